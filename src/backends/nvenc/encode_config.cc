#include "backends/nvenc/encode_config.h"

#include <algorithm>

#include "backends/nvenc/api12.h"
#include "backends/nvenc/caps.h"
#include "backends/nvenc/input.h"

namespace nvcast::nvenc {

const GUID& preset_guid(int preset) {
    static const GUID* presets[] = {&NV_ENC_PRESET_P1_GUID, &NV_ENC_PRESET_P2_GUID, &NV_ENC_PRESET_P3_GUID,
                                    &NV_ENC_PRESET_P4_GUID, &NV_ENC_PRESET_P5_GUID, &NV_ENC_PRESET_P6_GUID,
                                    &NV_ENC_PRESET_P7_GUID};
    return *presets[std::clamp(preset, 1, 7) - 1];
}

NV_ENC_TUNING_INFO tuning_info(Tuning tuning) {
    switch (tuning) {
        case Tuning::HighQuality: return NV_ENC_TUNING_INFO_HIGH_QUALITY;
        case Tuning::LowLatency: return NV_ENC_TUNING_INFO_LOW_LATENCY;
        case Tuning::UltraLowLatency: return NV_ENC_TUNING_INFO_ULTRA_LOW_LATENCY;
        case Tuning::Lossless: return NV_ENC_TUNING_INFO_LOSSLESS;
    }
    return NV_ENC_TUNING_INFO_HIGH_QUALITY;
}

namespace {

// Intra refresh, in the fields H.264's, HEVC's and AV1's configs share by name.
template <class CodecConfig>
void set_intra_refresh(const EncoderConfig& cfg, uint32_t period, CodecConfig& codec) {
    if (!cfg.intra_refresh) return;
    codec.enableIntraRefresh = 1;
    codec.intraRefreshPeriod = period;
    codec.intraRefreshCnt = std::max<uint32_t>(1, std::min<uint32_t>(period - 1, 16));  // frames a wave spans: below the period, at most 16
}

// What H.264 and HEVC configure alike: IDR period, chroma format, parameter sets, refresh, slices.
template <class CodecConfig>
void set_h26x_structure(const EncoderConfig& cfg, uint32_t gop_length, uint32_t refresh_period, CodecConfig& codec) {
    codec.idrPeriod = gop_length;
    codec.chromaFormatIDC = cfg.chroma == ChromaFormat::YUV444 ? 3 : 1;
    codec.repeatSPSPPS = 1;  // parameter sets before every IDR: joinable streams
    set_intra_refresh(cfg, refresh_period, codec);
    if (cfg.slices > 1) {
        codec.sliceMode = 3;  // a fixed number of slices
        codec.sliceModeData = static_cast<uint32_t>(cfg.slices);
    }
}

uint32_t clamp_rate(int64_t bits) { return static_cast<uint32_t>(std::clamp<int64_t>(bits, 0, 0xffffffffLL)); }

void fill_vui(const ColorDescription& c, NV_ENC_CONFIG_H264_VUI_PARAMETERS& vui) {
    if (!c.specified()) return;
    vui.videoSignalTypePresentFlag = 1;
    vui.videoFormat = 5;  // unspecified
    vui.videoFullRangeFlag = c.range == ColorRange::Full;
    vui.colourDescriptionPresentFlag = 1;
    vui.colourPrimaries = static_cast<uint32_t>(c.primaries);
    vui.transferCharacteristics = static_cast<uint32_t>(c.transfer);
    vui.colourMatrix = static_cast<uint32_t>(c.matrix);
}

}  // namespace

void apply_rate_control(const EncoderConfig& cfg, NV_ENC_RC_PARAMS& rc) {
    const RateControl& r = cfg.rc;
    rc.averageBitRate = 0;
    rc.maxBitRate = 0;
    rc.vbvBufferSize = 0;
    rc.vbvInitialDelay = 0;
    rc.targetQuality = 0;
    if (cfg.tuning == Tuning::Lossless) {
        rc.rateControlMode = NV_ENC_PARAMS_RC_CONSTQP;
        rc.constQP = {0, 0, 0};
        return;
    }
    switch (r.mode) {
        case RateControlMode::CQP:
            rc.rateControlMode = NV_ENC_PARAMS_RC_CONSTQP;
            if (cfg.codec == Codec::AV1) {  // NVENC's AV1 QP is the qindex
                rc.constQP.qpInterP = av1_qindex_of(r.qp);
                rc.constQP.qpInterB = av1_qindex_of(std::min(r.qp + 2, 63));
                rc.constQP.qpIntra = av1_qindex_of(std::max(r.qp - 3, 0));
            } else {
                rc.constQP.qpInterP = static_cast<uint32_t>(r.qp);
                rc.constQP.qpInterB = static_cast<uint32_t>(std::min(r.qp + 2, 51));
                rc.constQP.qpIntra = static_cast<uint32_t>(std::max(r.qp - 3, 0));
            }
            break;
        case RateControlMode::CBR:
            rc.rateControlMode = NV_ENC_PARAMS_RC_CBR;
            rc.averageBitRate = clamp_rate(r.bitrate);
            rc.maxBitRate = clamp_rate(r.bitrate);
            rc.vbvBufferSize = clamp_rate(r.vbv_size > 0 ? r.vbv_size : r.bitrate);
            rc.vbvInitialDelay = rc.vbvBufferSize;
            break;
        case RateControlMode::VBR:
            rc.rateControlMode = NV_ENC_PARAMS_RC_VBR;
            rc.averageBitRate = clamp_rate(r.bitrate);
            rc.maxBitRate = clamp_rate(r.max_bitrate > 0 ? r.max_bitrate : r.bitrate * 3 / 2);
            rc.vbvBufferSize = clamp_rate(r.vbv_size);
            break;
        case RateControlMode::ConstantQuality:
            rc.rateControlMode = NV_ENC_PARAMS_RC_VBR;  // VBR with averageBitRate 0 = constant quality
            rc.targetQuality = static_cast<uint8_t>(std::clamp(r.quality, 1, cfg.codec == Codec::AV1 ? 63 : 51));
            break;
    }
}

void build_session_params(const SessionHandle& s, const EncoderConfig& cfg, SessionParams& out) {
    out = SessionParams{};
    const GUID& codec = codec_guid(cfg.codec);
    const StructRevisions rev = s.api().revisions();
    NV_ENC_PRESET_CONFIG preset{};
    preset.version = s.api().struct_version(4, true);
    preset.presetCfg.version = s.api().struct_version(rev.config, true);
    s.check(s.fn().nvEncGetEncodePresetConfigEx(s.encoder(), codec, preset_guid(cfg.preset), tuning_info(cfg.tuning),
                                                 &preset),
            "nvEncGetEncodePresetConfigEx");
    NV_ENC_CONFIG& c = out.config;
    c = preset.presetCfg;
    c.version = s.api().struct_version(rev.config, true);
    c.rcParams.version = s.api().struct_version(1);
    c.gopLength = cfg.gop_length == kInfiniteGop ? NVENC_INFINITE_GOPLENGTH : static_cast<uint32_t>(cfg.gop_length);
    c.frameIntervalP = cfg.b_frames + 1;
    c.frameFieldMode = NV_ENC_PARAMS_FRAME_FIELD_MODE_FRAME;
    apply_rate_control(cfg, c.rcParams);
    if (cfg.b_frames == 0) c.rcParams.zeroReorderDelay = 1;

    const bool yuv444 = cfg.chroma == ChromaFormat::YUV444;
    const uint32_t ir_period = static_cast<uint32_t>(intra_refresh_period_of(cfg));
    if (cfg.codec == Codec::H264) {
        NV_ENC_CONFIG_H264& h = c.encodeCodecConfig.h264Config;
        set_h26x_structure(cfg, c.gopLength, ir_period, h);
        h.qpPrimeYZeroTransformBypassFlag = cfg.tuning == Tuning::Lossless;
        fill_vui(cfg.color, h.h264VUIParameters);
        if (yuv444 || cfg.tuning == Tuning::Lossless) c.profileGUID = NV_ENC_H264_PROFILE_HIGH_444_GUID;
        else if (cfg.profile == "baseline") c.profileGUID = NV_ENC_H264_PROFILE_BASELINE_GUID;
        else if (cfg.profile == "main") c.profileGUID = NV_ENC_H264_PROFILE_MAIN_GUID;
        else if (cfg.profile == "high") c.profileGUID = NV_ENC_H264_PROFILE_HIGH_GUID;
        else c.profileGUID = NV_ENC_CODEC_PROFILE_AUTOSELECT_GUID;
    } else if (cfg.codec == Codec::HEVC) {
        NV_ENC_CONFIG_HEVC& h = c.encodeCodecConfig.hevcConfig;
        set_h26x_structure(cfg, c.gopLength, ir_period, h);
        h.pixelBitDepthMinus8 = static_cast<uint32_t>(cfg.bit_depth - 8);
        fill_vui(cfg.color, h.hevcVUIParameters);
        c.profileGUID = yuv444 ? NV_ENC_HEVC_PROFILE_FREXT_GUID
                               : cfg.bit_depth == 10 ? NV_ENC_HEVC_PROFILE_MAIN10_GUID : NV_ENC_HEVC_PROFILE_MAIN_GUID;
    } else {
        NvEncConfigAv1 a = av1_config(c);  // the driver's preset values, adjusted
        a.idrPeriod = c.gopLength;
        a.chromaFormatIDC = 1;
        a.inputPixelBitDepthMinus8 = format_info(cfg.input_format).bit_depth > 8 ? 2 : 0;  // NVENC buffers hold 8 or 16 bits
        a.pixelBitDepthMinus8 = static_cast<uint32_t>(cfg.bit_depth - 8);
        a.repeatSeqHdr = 1;        // sequence header before every key frame: joinable streams
        a.outputAnnexBFormat = 0;  // low-overhead OBUs, as IVF, MP4 and RTP carry them
        set_intra_refresh(cfg, ir_period, a);
        if (cfg.color.specified()) {
            a.colorPrimaries = static_cast<uint32_t>(cfg.color.primaries);
            a.transferCharacteristics = static_cast<uint32_t>(cfg.color.transfer);
            a.matrixCoefficients = static_cast<uint32_t>(cfg.color.matrix);
            a.colorRange = cfg.color.range == ColorRange::Full;
        }
        set_av1_config(c, a);
        c.profileGUID = kAv1ProfileMainGuid;
    }

    NV_ENC_INITIALIZE_PARAMS& i = out.init;
    i.version = s.api().struct_version(5, true);
    i.encodeGUID = codec;
    i.presetGUID = preset_guid(cfg.preset);
    i.encodeWidth = static_cast<uint32_t>(cfg.width);
    i.encodeHeight = static_cast<uint32_t>(cfg.height);
    i.darWidth = i.encodeWidth;
    i.darHeight = i.encodeHeight;
    i.frameRateNum = static_cast<uint32_t>(cfg.fps_num);
    i.frameRateDen = static_cast<uint32_t>(cfg.fps_den);
    i.enablePTD = 1;
    i.enableEncodeAsync = 0;
    i.maxEncodeWidth = i.encodeWidth;
    i.maxEncodeHeight = i.encodeHeight;
    i.tuningInfo = tuning_info(cfg.tuning);
    out.host_format = buffer_format_for(cfg.input_format);
    // NV_ENC_INITIALIZE_PARAMS::bufferFormat exists from API 11.0 on; before that it is reserved (0).
    if (!(s.api() < ApiVersion{11, 0})) i.bufferFormat = out.host_format;
    out.bind();
}

}  // namespace nvcast::nvenc
