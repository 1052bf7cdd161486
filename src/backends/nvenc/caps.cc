#include "backends/nvenc/caps.h"

#include <cstring>
#include <vector>

#include "backends/nvenc/api12.h"

namespace nvcast::nvenc {

const GUID& codec_guid(Codec codec) {
    switch (codec) {
        case Codec::H264: return NV_ENC_CODEC_H264_GUID;
        case Codec::HEVC: return NV_ENC_CODEC_HEVC_GUID;
        case Codec::AV1: return kCodecAv1Guid;
    }
    return NV_ENC_CODEC_H264_GUID;
}

bool codec_supported(const SessionHandle& s, Codec codec) {
    uint32_t count = 0;
    s.check(s.fn().nvEncGetEncodeGUIDCount(s.encoder(), &count), "nvEncGetEncodeGUIDCount");
    std::vector<GUID> guids(count);
    uint32_t got = 0;
    s.check(s.fn().nvEncGetEncodeGUIDs(s.encoder(), guids.data(), count, &got), "nvEncGetEncodeGUIDs");
    for (uint32_t i = 0; i < got; ++i)
        if (std::memcmp(&guids[i], &codec_guid(codec), sizeof(GUID)) == 0) return true;
    return false;
}

NvencCaps query_caps(const SessionHandle& s, Codec codec) {
    auto get = [&](NV_ENC_CAPS cap) {
        NV_ENC_CAPS_PARAM param{};
        param.version = s.api().struct_version(1);
        param.capsToQuery = cap;
        int value = 0;
        // A cap the driver doesn't know (older API) reads as "not supported".
        if (s.fn().nvEncGetEncodeCaps(s.encoder(), codec_guid(codec), &param, &value) != NV_ENC_SUCCESS) return 0;
        return value;
    };
    NvencCaps n;
    Capabilities& c = n.caps;
    c.max_width = get(NV_ENC_CAPS_WIDTH_MAX);
    c.max_height = get(NV_ENC_CAPS_HEIGHT_MAX);
    c.min_width = std::max(1, get(NV_ENC_CAPS_WIDTH_MIN));
    c.min_height = std::max(1, get(NV_ENC_CAPS_HEIGHT_MIN));
    c.bit_depth_10 = get(NV_ENC_CAPS_SUPPORT_10BIT_ENCODE) != 0;
    c.yuv444 = get(NV_ENC_CAPS_SUPPORT_YUV444_ENCODE) != 0;
    n.max_b_frames = get(NV_ENC_CAPS_NUM_MAX_BFRAMES);
    c.b_frames = n.max_b_frames > 0;
    c.lossless = get(NV_ENC_CAPS_SUPPORT_LOSSLESS_ENCODE) != 0;
    c.intra_refresh = get(NV_ENC_CAPS_SUPPORT_INTRA_REFRESH) != 0;
    const int rc_modes = get(NV_ENC_CAPS_SUPPORTED_RATECONTROL_MODES);
    c.cbr = (rc_modes & NV_ENC_PARAMS_RC_CBR) != 0;
    c.vbr = (rc_modes & NV_ENC_PARAMS_RC_VBR) != 0;
    c.constant_quality = c.vbr;  // target quality is VBR with averageBitRate 0
    c.dynamic_bitrate = get(NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE) != 0;
    c.dynamic_bitrate_no_keyframe = c.dynamic_bitrate;  // NVENC changes the rate in place
    c.reference_invalidation = get(NV_ENC_CAPS_SUPPORT_REF_PIC_INVALIDATION) != 0;
    c.zero_latency = true;  // no B-frames + no lookahead: one frame in, one packet out
    c.device_frames = true;
    c.max_slices = codec == Codec::AV1 ? 1 : 32;  // AV1 divides pictures into tiles, chosen by the driver
    n.lookahead = get(NV_ENC_CAPS_SUPPORT_LOOKAHEAD) != 0;
    n.custom_vbv = get(NV_ENC_CAPS_SUPPORT_CUSTOM_VBV_BUF_SIZE) != 0;
    n.async = get(NV_ENC_CAPS_ASYNC_ENCODE_SUPPORT) != 0;
    n.engines = std::max(1, get(NV_ENC_CAPS_NUM_ENCODER_ENGINES));
    return n;
}

void check_config(const EncoderConfig& cfg, const NvencCaps& n, const std::string& gpu) {
    const Capabilities& c = n.caps;
    const std::string on = " on '" + gpu + "'";
    const std::string codec(to_string(cfg.codec));
    auto unsupported = [&](const std::string& what) {
        throw Error(ErrorCode::Unsupported, "nvenc: " + what + on);
    };
    if (cfg.width > c.max_width || cfg.height > c.max_height || cfg.width < c.min_width || cfg.height < c.min_height)
        unsupported(std::to_string(cfg.width) + "x" + std::to_string(cfg.height) + " is outside the " + codec +
                    " encoder's size range " + std::to_string(c.min_width) + "x" + std::to_string(c.min_height) +
                    ".." + std::to_string(c.max_width) + "x" + std::to_string(c.max_height));
    if (cfg.bit_depth == 10 && !c.bit_depth_10)
        unsupported("10-bit " + codec + " encoding is not supported" +
                    (cfg.codec == Codec::H264 ? " (NVENC encodes 10-bit as HEVC Main10 or AV1)" : ""));
    if (cfg.chroma == ChromaFormat::YUV444 && !c.yuv444) unsupported("4:4:4 " + codec + " encoding is not supported");
    if (cfg.b_frames > n.max_b_frames)
        unsupported(std::to_string(cfg.b_frames) + " B-frames requested, the " + codec + " encoder allows at most " +
                    std::to_string(n.max_b_frames));
    if (cfg.tuning == Tuning::Lossless && !c.lossless) unsupported("lossless " + codec + " encoding is not supported");
    if (cfg.intra_refresh && !c.intra_refresh) unsupported("intra refresh is not supported for " + codec);
    if (cfg.rc.mode == RateControlMode::CBR && !c.cbr) unsupported("CBR rate control is not supported");
    if (cfg.rc.mode == RateControlMode::VBR && !c.vbr) unsupported("VBR rate control is not supported");
    if (cfg.rc.mode == RateControlMode::ConstantQuality && !c.constant_quality)
        unsupported("constant-quality rate control is not supported");
    if (cfg.rc.vbv_size > 0 && !n.custom_vbv) unsupported("a custom VBV buffer size is not supported");
    if (cfg.codec == Codec::AV1 && cfg.slices > 1)
        unsupported(std::to_string(cfg.slices) + " slices requested: AV1 has tiles, not slices (--slices is for h264/hevc)");
    if (cfg.slices > c.max_slices)
        unsupported(std::to_string(cfg.slices) + " slices requested, at most " + std::to_string(c.max_slices));
}

}  // namespace nvcast::nvenc
