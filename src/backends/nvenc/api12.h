// What an NVENC API 12.0 session (AV1) needs beyond the API 11.1 headers nvcast builds
// against (Debian's libffmpeg-nvenc-dev predates AV1), declared from NVIDIA's documented
// API 12.0 layout: the AV1 codec and profile GUIDs, the AV1 block of the codec-config
// union (NV_ENC_CONFIG_AV1), NV_ENC_PIC_PARAMS revision 6 (its codec union grew by the AV1
// member, so it is 16 bytes longer than revision 4) and the struct revisions of 12.0.
//
// The other structs an AV1 session passes have the same layout in 12.0 as in 11.1 (12.0
// only turned reserved space into new fields), which the checks below pin down: they are
// used with 12.0 revision numbers, and the AV1 block is copied into the codec-config union.
// Shared by the nvenc backend and the emulator (emu/).
//
// Untested on hardware: no machine available to this project has an AV1-capable NVENC
// (Ada or newer); the emulator is the only driver this code has talked to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ffnvcodec/nvEncodeAPI.h>

namespace nvcast::nvenc {

// {0A352289-0AA7-4759-862D-5D15CD16D254}
inline constexpr GUID kCodecAv1Guid = {0x0a352289, 0x0aa7, 0x4759, {0x86, 0x2d, 0x5d, 0x15, 0xcd, 0x16, 0xd2, 0x54}};
// {5F2A39F5-F14E-4F95-9A9E-B76D568FCF97}: 8/10-bit 4:2:0.
inline constexpr GUID kAv1ProfileMainGuid = {0x5f2a39f5, 0xf14e, 0x4f95, {0x9a, 0x9e, 0xb7, 0x6d, 0x56, 0x8f, 0xcf, 0x97}};
// {7C718F81-ABB7-4A0E-AFE4-C88BAB957997}: 4:4:4 (no NVENC encodes it as of API 12.0).
inline constexpr GUID kAv1ProfileHighGuid = {0x7c718f81, 0xabb7, 0x4a0e, {0xaf, 0xe4, 0xc8, 0x8b, 0xab, 0x95, 0x79, 0x97}};

// NV_ENC_LEVEL values for AV1: seq_level_idx 0..23, then "let the driver choose".
inline constexpr uint32_t kAv1LevelAutoselect = 24;
inline constexpr uint32_t kAv1Tier0 = 0;
// NV_ENC_AV1_PART_SIZE_AUTOSELECT.
inline constexpr uint32_t kAv1PartSizeAutoselect = 0;
// NVENC's AV1 quantiser is the qindex, 0..255 (constQP and min/max QP); nvcast's AV1 QP is
// the 0..63 quantizer scale of libaom and SVT-AV1, which maps onto it as libaom's
// quantizer-to-qindex table does: 4 * q up to 61, then 249 and 255.
inline constexpr uint32_t kAv1MaxQindex = 255;
constexpr uint32_t av1_qindex_of(int quantizer) {
    return quantizer <= 0 ? 0 : quantizer <= 61 ? static_cast<uint32_t>(4 * quantizer) : quantizer == 62 ? 249 : 255;
}
// The quantizer whose qindex is nearest to `qindex`.
constexpr int av1_quantizer_of(uint32_t qindex) {
    auto distance = [qindex](int q) {
        return av1_qindex_of(q) > qindex ? av1_qindex_of(q) - qindex : qindex - av1_qindex_of(q);
    };
    int best = 0;
    for (int q = 1; q <= 63; ++q)
        if (distance(q) < distance(best)) best = q;
    return best;
}
static_assert(av1_quantizer_of(av1_qindex_of(62)) == 62 && av1_quantizer_of(130) == 32, "qindex round trip");

// NV_ENC_CONFIG_AV1 (API 12.0). Enum-typed fields are 32-bit in the C API and are
// declared as uint32_t here.
struct NvEncConfigAv1 {
    uint32_t level;        // NV_ENC_LEVEL: kAv1LevelAutoselect or seq_level_idx
    uint32_t tier;
    uint32_t minPartSize;  // NV_ENC_AV1_PART_SIZE
    uint32_t maxPartSize;
    uint32_t outputAnnexBFormat : 1;  // 0: low-overhead OBUs with sizes (what IVF/MP4 carry)
    uint32_t enableTimingInfo : 1;
    uint32_t enableDecoderModelInfo : 1;
    uint32_t enableFrameIdNumbers : 1;
    uint32_t disableSeqHdr : 1;
    uint32_t repeatSeqHdr : 1;  // sequence header before every key frame
    uint32_t enableIntraRefresh : 1;
    uint32_t chromaFormatIDC : 2;  // 1 = 4:2:0 (the only one NVENC encodes)
    uint32_t enableBitstreamPadding : 1;
    uint32_t enableCustomTileConfig : 1;
    uint32_t enableFilmGrainParams : 1;
    uint32_t inputPixelBitDepthMinus8 : 3;
    uint32_t pixelBitDepthMinus8 : 3;
    uint32_t reservedBits : 14;
    uint32_t idrPeriod;  // key frame interval; NVENC_INFINITE_GOPLENGTH = none after the first
    uint32_t intraRefreshPeriod;
    uint32_t intraRefreshCnt;
    uint32_t maxNumRefFramesInDPB;
    uint32_t numTileColumns;  // 0 = the fewest the standard allows
    uint32_t numTileRows;
    uint32_t* tileWidths;   // with enableCustomTileConfig, in 64x64 superblocks
    uint32_t* tileHeights;
    uint32_t maxTemporalLayersMinus1;
    uint32_t colorPrimaries;           // ITU-T H.273 code points, as in the sequence header
    uint32_t transferCharacteristics;
    uint32_t matrixCoefficients;
    uint32_t colorRange;               // 0 studio, 1 full
    uint32_t chromaSamplePosition;     // 0 unknown, 1 vertical, 2 colocated
    uint32_t useBFramesAsRef;          // NV_ENC_BFRAME_REF_MODE
    void* filmGrainParams;             // NV_ENC_FILM_GRAIN_PARAMS_AV1*, with enableFilmGrainParams
    uint32_t numFwdRefs;               // NV_ENC_NUM_REF_FRAMES, a hint (1..4)
    uint32_t numBwdRefs;               // a hint (1..3)
    uint32_t reserved1[235];
    void* reserved2[62];
};

// Struct revisions (the `ver` in NVENCAPI_STRUCT_VERSION(ver)) that differ between the
// APIs nvcast speaks: 10.0/11.x for H.264 and HEVC, 12.0 for AV1. Unchanged ones
// (RC params 1, init params 5, preset config 4, reconfigure 1, map 4, buffers 1, ...)
// are the same in all of them.
struct StructRevisions {
    uint32_t config;             // NV_ENC_CONFIG
    uint32_t pic_params;         // NV_ENC_PIC_PARAMS
    uint32_t lock_bitstream;     // NV_ENC_LOCK_BITSTREAM
    uint32_t register_resource;  // NV_ENC_REGISTER_RESOURCE
};
constexpr StructRevisions struct_revisions(uint32_t api_major) {
    return api_major >= 12 ? StructRevisions{8, 6, 2, 4} : StructRevisions{7, 4, 1, 3};
}
// The newest API whose struct layouts nvcast (and its emulator) know.
inline constexpr uint32_t kNewestKnownApiMajor = 12, kNewestKnownApiMinor = 0;

// The AV1 block of a config's codec union: copied, because the 11.1 union type has no
// AV1 member (and reading it through another type would break aliasing rules).
inline NvEncConfigAv1 av1_config(const NV_ENC_CONFIG& config) {
    NvEncConfigAv1 av1;
    std::memcpy(&av1, &config.encodeCodecConfig, sizeof av1);
    return av1;
}
inline void set_av1_config(NV_ENC_CONFIG& config, const NvEncConfigAv1& av1) {
    std::memcpy(&config.encodeCodecConfig, &av1, sizeof av1);
}

// NV_ENC_PIC_PARAMS_AV1 (API 12.0): per-picture AV1 controls. nvcast leaves them zero
// (the driver decides frame types and tiles); declared for the layout of revision 6.
struct NvEncPicParamsAv1 {
    uint32_t displayPOCSyntax;
    uint32_t refPicFlag;
    uint32_t temporalId;
    uint32_t forceIntraRefreshWithFrameCnt;
    uint32_t goldenFrameFlag : 1;
    uint32_t arfFrameFlag : 1;
    uint32_t arf2FrameFlag : 1;
    uint32_t bwdFrameFlag : 1;
    uint32_t overlayFrameFlag : 1;
    uint32_t showExistingFrameFlag : 1;
    uint32_t errorResilientModeFlag : 1;
    uint32_t tileConfigUpdate : 1;
    uint32_t enableCustomTileConfig : 1;
    uint32_t filmGrainParamsUpdate : 1;
    uint32_t reservedBits : 22;
    uint32_t numTileColumns;
    uint32_t numTileRows;
    uint32_t* tileWidths;
    uint32_t* tileHeights;
    uint32_t obuPayloadArrayCnt;
    uint32_t reserved;
    void* obuPayloadArray;  // NV_ENC_AV1_OBU_PAYLOAD*
    void* filmGrainParams;  // NV_ENC_FILM_GRAIN_PARAMS_AV1*
    uint32_t reserved2[247];
    void* reserved3[61];
};

// NV_ENC_PIC_PARAMS revision 6 (API 12.0). Up to the codec union it is revision 4 field
// for field; the union holds the AV1 member (H.264/HEVC members are not used by nvcast at
// this API); the tail adds the AV1 external-hint fields.
struct NvEncPicParams12 {
    uint32_t version;
    uint32_t inputWidth;
    uint32_t inputHeight;
    uint32_t inputPitch;
    uint32_t encodePicFlags;
    uint32_t frameIdx;
    uint64_t inputTimeStamp;
    uint64_t inputDuration;
    NV_ENC_INPUT_PTR inputBuffer;
    NV_ENC_OUTPUT_PTR outputBitstream;
    void* completionEvent;
    NV_ENC_BUFFER_FORMAT bufferFmt;
    NV_ENC_PIC_STRUCT pictureStruct;
    NV_ENC_PIC_TYPE pictureType;
    union {
        NvEncPicParamsAv1 av1PicParams;
        uint32_t reserved[256];
    } codecPicParams;
    NVENC_EXTERNAL_ME_HINT_COUNTS_PER_BLOCKTYPE meHintCountsPerBlock[2];
    NVENC_EXTERNAL_ME_HINT* meExternalHints;
    uint32_t reserved1[6];
    void* reserved2[2];
    int8_t* qpDeltaMap;
    uint32_t qpDeltaMapSize;
    uint32_t reservedBitFields;
    uint16_t meHintRefPicDist[2];
    NV_ENC_INPUT_PTR alphaBuffer;
    void* meExternalSbHints;  // NVENC_EXTERNAL_ME_SB_HINT*
    uint32_t meSbHintsCount;
    uint32_t reserved3[285];
    void* reserved4[58];
};

// The revision-6 form of `pic` (which nvcast fills as revision 4): the common head copied,
// everything after it zero, `version` left for the caller to set.
inline NvEncPicParams12 to_pic_params_12(const NV_ENC_PIC_PARAMS& pic) {
    NvEncPicParams12 out{};
    out.inputWidth = pic.inputWidth;
    out.inputHeight = pic.inputHeight;
    out.inputPitch = pic.inputPitch;
    out.encodePicFlags = pic.encodePicFlags;
    out.frameIdx = pic.frameIdx;
    out.inputTimeStamp = pic.inputTimeStamp;
    out.inputDuration = pic.inputDuration;
    out.inputBuffer = pic.inputBuffer;
    out.outputBitstream = pic.outputBitstream;
    out.completionEvent = pic.completionEvent;
    out.bufferFmt = pic.bufferFmt;
    out.pictureStruct = pic.pictureStruct;
    out.pictureType = pic.pictureType;
    return out;
}

#if UINTPTR_MAX == UINT64_MAX  // the layouts below are those of LP64 (Linux x86-64 / aarch64)
// NV_ENC_CONFIG_AV1 as documented for API 12.0.
static_assert(sizeof(NvEncConfigAv1) == 1552, "NV_ENC_CONFIG_AV1 layout");
static_assert(offsetof(NvEncConfigAv1, idrPeriod) == 20, "NV_ENC_CONFIG_AV1 layout");
static_assert(offsetof(NvEncConfigAv1, tileWidths) == 48, "NV_ENC_CONFIG_AV1 layout");
static_assert(offsetof(NvEncConfigAv1, colorPrimaries) == 68, "NV_ENC_CONFIG_AV1 layout");
static_assert(offsetof(NvEncConfigAv1, filmGrainParams) == 96, "NV_ENC_CONFIG_AV1 layout");
static_assert(offsetof(NvEncConfigAv1, reserved1) == 112, "NV_ENC_CONFIG_AV1 layout");
static_assert(sizeof(NvEncConfigAv1) <= sizeof(NV_ENC_CODEC_CONFIG), "NV_ENC_CONFIG_AV1 fits the codec union");

// The 11.1 structs stand in for their 12.0 revisions: same size and the same offsets for
// every field nvcast sets or reads (12.0 turned reserved space into new fields only).
static_assert(sizeof(NV_ENC_CODEC_CONFIG) == 1792, "NV_ENC_CODEC_CONFIG layout");
static_assert(offsetof(NV_ENC_CONFIG, encodeCodecConfig) == 168, "NV_ENC_CONFIG v7/v8 layout");
static_assert(sizeof(NV_ENC_CONFIG) == 3584, "NV_ENC_CONFIG v7/v8 layout");
static_assert(sizeof(NV_ENC_RC_PARAMS) == 128, "NV_ENC_RC_PARAMS v1 layout");
static_assert(offsetof(NV_ENC_RC_PARAMS, qpMapMode) == 96, "NV_ENC_RC_PARAMS v1 layout");
static_assert(sizeof(NV_ENC_INITIALIZE_PARAMS) == 1808, "NV_ENC_INITIALIZE_PARAMS v5 layout");
static_assert(offsetof(NV_ENC_INITIALIZE_PARAMS, bufferFormat) == 140, "NV_ENC_INITIALIZE_PARAMS v5 layout");
static_assert(sizeof(NV_ENC_PRESET_CONFIG) == 5128, "NV_ENC_PRESET_CONFIG v4 layout");
// NV_ENC_PIC_PARAMS: revision 4 (11.1) and revision 6 (12.0) share their head.
static_assert(sizeof(NV_ENC_PIC_PARAMS) == 3344, "NV_ENC_PIC_PARAMS v4 layout");
static_assert(sizeof(NvEncPicParamsAv1) == 1552, "NV_ENC_PIC_PARAMS_AV1 layout");
static_assert(sizeof(NvEncPicParams12) == 3360, "NV_ENC_PIC_PARAMS v6 layout");
static_assert(offsetof(NvEncPicParams12, codecPicParams) == offsetof(NV_ENC_PIC_PARAMS, codecPicParams),
              "NV_ENC_PIC_PARAMS v4/v6 head");
static_assert(offsetof(NvEncPicParams12, pictureType) == offsetof(NV_ENC_PIC_PARAMS, pictureType),
              "NV_ENC_PIC_PARAMS v4/v6 head");
static_assert(offsetof(NvEncPicParams12, alphaBuffer) == 1736, "NV_ENC_PIC_PARAMS v6 layout");
static_assert(sizeof(NV_ENC_LOCK_BITSTREAM) == 1544, "NV_ENC_LOCK_BITSTREAM v1/v2 layout");
static_assert(offsetof(NV_ENC_LOCK_BITSTREAM, temporalId) == 88, "NV_ENC_LOCK_BITSTREAM v1/v2 layout");
static_assert(sizeof(NV_ENCODE_API_FUNCTION_LIST) == 2552, "NV_ENCODE_API_FUNCTION_LIST v2 layout");
static_assert(sizeof(NV_ENC_REGISTER_RESOURCE) == 1536, "NV_ENC_REGISTER_RESOURCE v3/v4 layout");
static_assert(offsetof(NV_ENC_REGISTER_RESOURCE, bufferUsage) == 44, "NV_ENC_REGISTER_RESOURCE v3/v4 layout");
#endif
static_assert(sizeof(GUID) == 16, "GUID layout");

}  // namespace nvcast::nvenc
