// What the emulated GPU reports: codecs, profiles, input formats, capabilities
// (modelled on a Turing/Ampere-class NVENC) and the preset configurations.
#include <cstring>

#include "common/faults.h"
#include "nvenc/emu.h"

namespace nvcast::emu {

ApiVersion api_from_packed(uint32_t packed) { return {packed & 0xffffu, (packed >> 24) & 0xfu}; }

bool struct_version_ok(uint32_t version, ApiVersion api, uint32_t rev, bool high_bit) {
    const uint32_t expected = api.packed() | (rev << 16) | (0x7u << 28) | (high_bit ? (1u << 31) : 0u);
    return version == expected;
}

bool same_guid(const GUID& a, const GUID& b) { return std::memcmp(&a, &b, sizeof(GUID)) == 0; }

namespace {
bool offers_av1(ApiVersion api) { return api.major >= 12 && !current_faults().no_av1; }
}  // namespace

std::optional<Codec> codec_of(const GUID& guid, ApiVersion api) {
    if (same_guid(guid, NV_ENC_CODEC_H264_GUID)) return Codec::H264;
    if (same_guid(guid, NV_ENC_CODEC_HEVC_GUID)) return Codec::HEVC;
    if (same_guid(guid, nvenc::kCodecAv1Guid) && offers_av1(api)) return Codec::AV1;
    return std::nullopt;
}

std::vector<GUID> codec_guids(ApiVersion api) {
    std::vector<GUID> guids = {NV_ENC_CODEC_H264_GUID, NV_ENC_CODEC_HEVC_GUID};
    if (offers_av1(api)) guids.push_back(nvenc::kCodecAv1Guid);
    return guids;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
int preset_index(const GUID& g) {
    const GUID* p[] = {&NV_ENC_PRESET_P1_GUID, &NV_ENC_PRESET_P2_GUID, &NV_ENC_PRESET_P3_GUID, &NV_ENC_PRESET_P4_GUID,
                       &NV_ENC_PRESET_P5_GUID, &NV_ENC_PRESET_P6_GUID, &NV_ENC_PRESET_P7_GUID};
    for (int i = 0; i < 7; ++i)
        if (same_guid(g, *p[i])) return i + 1;
    const GUID* legacy[] = {&NV_ENC_PRESET_DEFAULT_GUID, &NV_ENC_PRESET_HP_GUID, &NV_ENC_PRESET_HQ_GUID,
                            &NV_ENC_PRESET_BD_GUID, &NV_ENC_PRESET_LOW_LATENCY_DEFAULT_GUID,
                            &NV_ENC_PRESET_LOW_LATENCY_HQ_GUID, &NV_ENC_PRESET_LOW_LATENCY_HP_GUID,
                            &NV_ENC_PRESET_LOSSLESS_DEFAULT_GUID, &NV_ENC_PRESET_LOSSLESS_HP_GUID};
    for (const GUID* l : legacy)
        if (same_guid(g, *l)) return 4;
    return 0;
}
#pragma GCC diagnostic pop

// AV1 as on an Ada-class NVENC, limited to what the emulator's SVT-AV1 can do: no 4:4:4,
// lossless, intra refresh, live bitrate change or reference invalidation.
int av1_caps_value(NV_ENC_CAPS cap) {
    switch (cap) {
        case NV_ENC_CAPS_LEVEL_MAX: return 19;  // seq_level_idx of level 6.3
        case NV_ENC_CAPS_LEVEL_MIN: return 0;
        case NV_ENC_CAPS_WIDTH_MAX:
        case NV_ENC_CAPS_HEIGHT_MAX: return 8192;
        case NV_ENC_CAPS_WIDTH_MIN:
        case NV_ENC_CAPS_HEIGHT_MIN: return 64;
        case NV_ENC_CAPS_MB_NUM_MAX: return 8192 * 8192 / 256;
        case NV_ENC_CAPS_SUPPORT_10BIT_ENCODE: return 1;
        case NV_ENC_CAPS_SUPPORT_BDIRECT_MODE:
        case NV_ENC_CAPS_SUPPORT_CABAC:
        case NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM:
        case NV_ENC_CAPS_SUPPORT_SAO:
        case NV_ENC_CAPS_SUPPORT_YUV444_ENCODE:
        case NV_ENC_CAPS_SUPPORT_LOSSLESS_ENCODE:
        case NV_ENC_CAPS_SUPPORT_INTRA_REFRESH:
        case NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE:
        case NV_ENC_CAPS_SUPPORT_REF_PIC_INVALIDATION:
        case NV_ENC_CAPS_SUPPORT_CUSTOM_VBV_BUF_SIZE: return 0;
        default: return -2;  // as for the other codecs
    }
}

int caps_value(Codec codec, NV_ENC_CAPS cap) {
    if (codec == Codec::AV1) {
        const int av1 = av1_caps_value(cap);
        if (av1 != -2) return av1;
    }
    const bool hevc = codec == Codec::HEVC;
    switch (cap) {
        case NV_ENC_CAPS_NUM_MAX_BFRAMES: return 4;
        case NV_ENC_CAPS_SUPPORTED_RATECONTROL_MODES: return 0x3f;  // CONSTQP | VBR | CBR (+ legacy variants)
        case NV_ENC_CAPS_SUPPORT_FIELD_ENCODING: return 0;
        case NV_ENC_CAPS_SUPPORT_MONOCHROME: return 0;
        case NV_ENC_CAPS_SUPPORT_FMO: return 0;
        case NV_ENC_CAPS_SUPPORT_QPELMV: return 1;
        case NV_ENC_CAPS_SUPPORT_BDIRECT_MODE: return hevc ? 0 : 1;
        case NV_ENC_CAPS_SUPPORT_CABAC: return hevc ? 0 : 1;
        case NV_ENC_CAPS_SUPPORT_ADAPTIVE_TRANSFORM: return hevc ? 0 : 1;
        case NV_ENC_CAPS_SUPPORT_STEREO_MVC: return 0;
        case NV_ENC_CAPS_NUM_MAX_TEMPORAL_LAYERS: return 1;
        case NV_ENC_CAPS_SUPPORT_HIERARCHICAL_PFRAMES: return 0;
        case NV_ENC_CAPS_SUPPORT_HIERARCHICAL_BFRAMES: return 0;
        case NV_ENC_CAPS_LEVEL_MAX: return hevc ? NV_ENC_LEVEL_HEVC_62 : NV_ENC_LEVEL_H264_62;
        case NV_ENC_CAPS_LEVEL_MIN: return hevc ? NV_ENC_LEVEL_HEVC_1 : NV_ENC_LEVEL_H264_1;
        case NV_ENC_CAPS_SEPARATE_COLOUR_PLANE: return 0;
        case NV_ENC_CAPS_WIDTH_MAX: return hevc ? 8192 : 4096;
        case NV_ENC_CAPS_HEIGHT_MAX: return hevc ? 8192 : 4096;
        case NV_ENC_CAPS_SUPPORT_TEMPORAL_SVC: return 0;
        case NV_ENC_CAPS_SUPPORT_DYN_RES_CHANGE: return 0;
        case NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE: return 1;
        case NV_ENC_CAPS_SUPPORT_DYN_FORCE_CONSTQP: return 0;
        case NV_ENC_CAPS_SUPPORT_DYN_RCMODE_CHANGE: return 0;
        case NV_ENC_CAPS_SUPPORT_SUBFRAME_READBACK: return 0;
        case NV_ENC_CAPS_SUPPORT_CONSTRAINED_ENCODING: return 0;
        case NV_ENC_CAPS_SUPPORT_INTRA_REFRESH: return 1;
        case NV_ENC_CAPS_SUPPORT_CUSTOM_VBV_BUF_SIZE: return 1;
        case NV_ENC_CAPS_SUPPORT_DYNAMIC_SLICE_MODE: return 0;
        case NV_ENC_CAPS_SUPPORT_REF_PIC_INVALIDATION: return 1;
        case NV_ENC_CAPS_PREPROC_SUPPORT: return 0;
        case NV_ENC_CAPS_ASYNC_ENCODE_SUPPORT: return 0;  // Linux: synchronous only
        case NV_ENC_CAPS_MB_NUM_MAX: return (hevc ? 8192 * 8192 : 4096 * 4096) / 256;
        case NV_ENC_CAPS_MB_PER_SEC_MAX: return 983040;
        case NV_ENC_CAPS_SUPPORT_YUV444_ENCODE: return 1;
        case NV_ENC_CAPS_SUPPORT_LOSSLESS_ENCODE: return 1;
        case NV_ENC_CAPS_SUPPORT_SAO: return hevc ? 1 : 0;
        case NV_ENC_CAPS_SUPPORT_MEONLY_MODE: return 0;
        case NV_ENC_CAPS_SUPPORT_LOOKAHEAD: return 1;
        case NV_ENC_CAPS_SUPPORT_TEMPORAL_AQ: return 0;
        case NV_ENC_CAPS_SUPPORT_10BIT_ENCODE: return hevc ? 1 : 0;
        case NV_ENC_CAPS_NUM_MAX_LTR_FRAMES: return 0;
        case NV_ENC_CAPS_SUPPORT_WEIGHTED_PREDICTION: return 0;
        case NV_ENC_CAPS_DYNAMIC_QUERY_ENCODER_CAPACITY: return 0;
        case NV_ENC_CAPS_SUPPORT_BFRAME_REF_MODE: return 0;
        case NV_ENC_CAPS_SUPPORT_EMPHASIS_LEVEL_MAP: return 0;
        case NV_ENC_CAPS_WIDTH_MIN: return hevc ? 129 : 145;
        case NV_ENC_CAPS_HEIGHT_MIN: return hevc ? 33 : 49;
        case NV_ENC_CAPS_SUPPORT_MULTIPLE_REF_FRAMES: return 0;
        case NV_ENC_CAPS_SUPPORT_ALPHA_LAYER_ENCODING: return 0;
        case NV_ENC_CAPS_NUM_ENCODER_ENGINES: return 1;
        case NV_ENC_CAPS_SINGLE_SLICE_INTRA_REFRESH: return 0;
        default: return -1;  // unknown cap: NV_ENC_ERR_INVALID_PARAM
    }
}

const std::vector<GUID>& profile_guids(Codec codec) {
    static const std::vector<GUID> h264 = {NV_ENC_H264_PROFILE_BASELINE_GUID, NV_ENC_H264_PROFILE_MAIN_GUID,
                                           NV_ENC_H264_PROFILE_HIGH_GUID, NV_ENC_H264_PROFILE_HIGH_444_GUID,
                                           NV_ENC_H264_PROFILE_CONSTRAINED_HIGH_GUID};
    static const std::vector<GUID> hevc = {NV_ENC_HEVC_PROFILE_MAIN_GUID, NV_ENC_HEVC_PROFILE_MAIN10_GUID,
                                           NV_ENC_HEVC_PROFILE_FREXT_GUID};
    static const std::vector<GUID> av1 = {nvenc::kAv1ProfileMainGuid};
    return codec == Codec::HEVC ? hevc : codec == Codec::AV1 ? av1 : h264;
}

const std::vector<NV_ENC_BUFFER_FORMAT>& input_formats(Codec codec) {
    static const std::vector<NV_ENC_BUFFER_FORMAT> h264 = {NV_ENC_BUFFER_FORMAT_NV12, NV_ENC_BUFFER_FORMAT_YV12,
                                                           NV_ENC_BUFFER_FORMAT_IYUV, NV_ENC_BUFFER_FORMAT_YUV444};
    static const std::vector<NV_ENC_BUFFER_FORMAT> hevc = {
        NV_ENC_BUFFER_FORMAT_NV12, NV_ENC_BUFFER_FORMAT_YV12, NV_ENC_BUFFER_FORMAT_IYUV, NV_ENC_BUFFER_FORMAT_YUV444,
        NV_ENC_BUFFER_FORMAT_YUV420_10BIT, NV_ENC_BUFFER_FORMAT_YUV444_10BIT};
    static const std::vector<NV_ENC_BUFFER_FORMAT> av1 = {NV_ENC_BUFFER_FORMAT_NV12, NV_ENC_BUFFER_FORMAT_YV12,
                                                          NV_ENC_BUFFER_FORMAT_IYUV, NV_ENC_BUFFER_FORMAT_YUV420_10BIT};
    return codec == Codec::HEVC ? hevc : codec == Codec::AV1 ? av1 : h264;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const std::vector<GUID>& preset_guids(ApiVersion api) {
    static const std::vector<GUID> presets = {NV_ENC_PRESET_P1_GUID, NV_ENC_PRESET_P2_GUID, NV_ENC_PRESET_P3_GUID,
                                              NV_ENC_PRESET_P4_GUID, NV_ENC_PRESET_P5_GUID, NV_ENC_PRESET_P6_GUID,
                                              NV_ENC_PRESET_P7_GUID};
    // Before API 12.0 drivers still list the presets of SDK 9.1 and earlier; clients that pick
    // one of them (GStreamer's nvh264enc / nvh265enc) check that it is listed.
    static const std::vector<GUID> with_legacy = [] {
        std::vector<GUID> all = presets;
        for (const GUID& g : {NV_ENC_PRESET_DEFAULT_GUID, NV_ENC_PRESET_HP_GUID, NV_ENC_PRESET_HQ_GUID,
                              NV_ENC_PRESET_BD_GUID, NV_ENC_PRESET_LOW_LATENCY_DEFAULT_GUID,
                              NV_ENC_PRESET_LOW_LATENCY_HQ_GUID, NV_ENC_PRESET_LOW_LATENCY_HP_GUID,
                              NV_ENC_PRESET_LOSSLESS_DEFAULT_GUID, NV_ENC_PRESET_LOSSLESS_HP_GUID})
            all.push_back(g);
        return all;
    }();
    return api.major < 12 ? with_legacy : presets;
}
#pragma GCC diagnostic pop

void fill_preset_config(Codec codec, int preset, NV_ENC_TUNING_INFO tuning, ApiVersion api, NV_ENC_CONFIG& c) {
    std::memset(&c, 0, sizeof c);
    c.version = api.packed() | (api.revisions().config << 16) | (0x7u << 28) | (1u << 31);
    c.profileGUID = NV_ENC_CODEC_PROFILE_AUTOSELECT_GUID;
    c.gopLength = 250;
    c.frameIntervalP = 1;
    c.frameFieldMode = NV_ENC_PARAMS_FRAME_FIELD_MODE_FRAME;
    c.mvPrecision = NV_ENC_MV_PRECISION_QUARTER_PEL;
    NV_ENC_RC_PARAMS& rc = c.rcParams;
    rc.version = api.packed() | (1u << 16) | (0x7u << 28);
    const bool low_latency = tuning == NV_ENC_TUNING_INFO_LOW_LATENCY || tuning == NV_ENC_TUNING_INFO_ULTRA_LOW_LATENCY;
    if (tuning == NV_ENC_TUNING_INFO_LOSSLESS) {
        rc.rateControlMode = NV_ENC_PARAMS_RC_CONSTQP;
        rc.constQP = {0, 0, 0};
    } else {
        rc.rateControlMode = low_latency ? NV_ENC_PARAMS_RC_CBR : NV_ENC_PARAMS_RC_VBR;
        rc.constQP = {28, 31, 25};
        rc.multiPass = preset >= 5 ? NV_ENC_TWO_PASS_QUARTER_RESOLUTION : NV_ENC_MULTI_PASS_DISABLED;
        if (tuning == NV_ENC_TUNING_INFO_ULTRA_LOW_LATENCY) rc.lowDelayKeyFrameScale = 1;
        else if (low_latency) rc.lowDelayKeyFrameScale = 2;
    }
    if (codec == Codec::H264) {
        NV_ENC_CONFIG_H264& h = c.encodeCodecConfig.h264Config;
        h.idrPeriod = c.gopLength;
        h.chromaFormatIDC = 1;
        h.qpPrimeYZeroTransformBypassFlag = tuning == NV_ENC_TUNING_INFO_LOSSLESS;
    } else if (codec == Codec::HEVC) {
        NV_ENC_CONFIG_HEVC& h = c.encodeCodecConfig.hevcConfig;
        h.idrPeriod = c.gopLength;
        h.chromaFormatIDC = 1;
    } else {
        nvenc::NvEncConfigAv1 a{};
        a.level = nvenc::kAv1LevelAutoselect;
        a.tier = nvenc::kAv1Tier0;
        a.idrPeriod = c.gopLength;
        a.chromaFormatIDC = 1;
        a.repeatSeqHdr = 1;
        a.colorPrimaries = a.transferCharacteristics = a.matrixCoefficients = 2;  // H.273 "unspecified"
        nvenc::set_av1_config(c, a);
    }
}

size_t BufferLayout::frame_bytes(uint32_t pitch, uint32_t height) const {
    return yuv444 ? size_t{3} * pitch * height : size_t{pitch} * height * 3 / 2;
}

BufferLayout layout_of(NV_ENC_BUFFER_FORMAT format) {
    switch (format) {
        case NV_ENC_BUFFER_FORMAT_NV12:
        case NV_ENC_BUFFER_FORMAT_YV12:
        case NV_ENC_BUFFER_FORMAT_IYUV: return {true, 1, false, false};
        case NV_ENC_BUFFER_FORMAT_YUV444: return {true, 1, false, true};
        case NV_ENC_BUFFER_FORMAT_YUV420_10BIT: return {true, 2, true, false};
        case NV_ENC_BUFFER_FORMAT_YUV444_10BIT: return {true, 2, true, true};
        default: return {};
    }
}

}  // namespace nvcast::emu
