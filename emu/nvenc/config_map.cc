// NV_ENC_INITIALIZE_PARAMS + NV_ENC_CONFIG -> the wrapped software encoder's config,
// with the range checks the driver applies (and the status code it returns).
#include <algorithm>
#include <numeric>
#include <string>

#include "nvenc/emu.h"

namespace nvcast::emu {
namespace {

NVENCSTATUS bad(NVENCSTATUS status, std::string& why, const std::string& text) {
    why = text;
    return status;
}

// AV1 colour code points (H.273); 0 is reserved for primaries and transfer, and identity
// (0) is 4:4:4-only for the matrix, so a zero left in a config means "not given".
ColorDescription color_of(const nvenc::NvEncConfigAv1& a) {
    auto given = [](uint32_t v) { return v == 0 ? 2u : v; };
    ColorDescription c;
    c.primaries = static_cast<ColorPrimaries>(given(a.colorPrimaries));
    c.transfer = static_cast<TransferCharacteristics>(given(a.transferCharacteristics));
    c.matrix = static_cast<MatrixCoefficients>(given(a.matrixCoefficients));
    if (a.colorRange) c.range = ColorRange::Full;
    return c;
}

ColorDescription color_of(const NV_ENC_CONFIG_H264_VUI_PARAMETERS& vui) {
    ColorDescription c;
    if (vui.colourDescriptionPresentFlag) {
        c.primaries = static_cast<ColorPrimaries>(vui.colourPrimaries);
        c.transfer = static_cast<TransferCharacteristics>(vui.transferCharacteristics);
        c.matrix = static_cast<MatrixCoefficients>(vui.colourMatrix);
    }
    if (vui.videoSignalTypePresentFlag && vui.videoFullRangeFlag) c.range = ColorRange::Full;
    return c;
}

}  // namespace

NVENCSTATUS map_config(const NV_ENC_INITIALIZE_PARAMS& init, const NV_ENC_CONFIG& cfg, Codec codec,
                       EncoderConfig& out, std::string& why) {
    out = EncoderConfig{};
    out.codec = codec;
    const int wmin = caps_value(codec, NV_ENC_CAPS_WIDTH_MIN), wmax = caps_value(codec, NV_ENC_CAPS_WIDTH_MAX);
    const int hmin = caps_value(codec, NV_ENC_CAPS_HEIGHT_MIN), hmax = caps_value(codec, NV_ENC_CAPS_HEIGHT_MAX);
    if (init.encodeWidth < static_cast<uint32_t>(wmin) || init.encodeWidth > static_cast<uint32_t>(wmax) ||
        init.encodeHeight < static_cast<uint32_t>(hmin) || init.encodeHeight > static_cast<uint32_t>(hmax))
        return bad(NV_ENC_ERR_INVALID_PARAM, why,
                   "encode size " + std::to_string(init.encodeWidth) + "x" + std::to_string(init.encodeHeight) +
                       " outside " + std::to_string(wmin) + "x" + std::to_string(hmin) + ".." + std::to_string(wmax) +
                       "x" + std::to_string(hmax));
    if (init.frameRateNum == 0 || init.frameRateDen == 0)
        return bad(NV_ENC_ERR_INVALID_PARAM, why, "frameRateNum and frameRateDen must be > 0");
    if (init.enableEncodeAsync) return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "asynchronous mode is Windows-only");
    if (!init.enablePTD) return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "enablePTD=0 (client picture types) is not emulated");
    if (init.enableMEOnlyMode) return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "motion-estimation-only mode is not emulated");
    if (init.enableOutputInVidmem) return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "output in video memory is not emulated");
    if (init.tuningInfo >= NV_ENC_TUNING_INFO_COUNT)
        return bad(NV_ENC_ERR_INVALID_PARAM, why, "tuningInfo " + std::to_string(init.tuningInfo) + " is not valid");

    out.width = static_cast<int>(init.encodeWidth);
    out.height = static_cast<int>(init.encodeHeight);
    const uint32_t g = std::gcd(init.frameRateNum, init.frameRateDen);
    out.fps_num = static_cast<int>(std::min<uint32_t>(init.frameRateNum / g, 1'000'000));
    out.fps_den = static_cast<int>(std::min<uint32_t>(init.frameRateDen / g, 1'000'000));
    out.preset = preset_index(init.presetGUID);
    if (out.preset == 0) return bad(NV_ENC_ERR_INVALID_PARAM, why, "unknown preset GUID");

    // The delay model of NVENC is B-frames (+ lookahead when enabled): the wrapped encoder
    // runs in its low-latency mode so it holds no more frames than that.
    switch (init.tuningInfo) {
        case NV_ENC_TUNING_INFO_ULTRA_LOW_LATENCY: out.tuning = Tuning::UltraLowLatency; break;
        case NV_ENC_TUNING_INFO_LOSSLESS: out.tuning = Tuning::Lossless; break;
        default: out.tuning = Tuning::LowLatency; break;
    }
    // nvcast's x265 backend has no low-latency mode with B-frames (zero lookahead): use its default.
    if (codec == Codec::HEVC && cfg.frameIntervalP > 1 && out.tuning != Tuning::Lossless) out.tuning = Tuning::HighQuality;
    // SVT-AV1 forces key frames only in its random-access mode, which high-quality tuning
    // maps to (it holds a mini-GOP there, reported as NV_ENC_ERR_NEED_MORE_INPUT).
    if (codec == Codec::AV1 && (init.tuningInfo == NV_ENC_TUNING_INFO_HIGH_QUALITY || cfg.frameIntervalP > 1))
        out.tuning = Tuning::HighQuality;

    if (cfg.frameIntervalP < 0 || cfg.frameIntervalP > caps_value(codec, NV_ENC_CAPS_NUM_MAX_BFRAMES) + 1)
        return bad(NV_ENC_ERR_INVALID_PARAM, why,
                   "frameIntervalP " + std::to_string(cfg.frameIntervalP) + " outside 0.." +
                       std::to_string(caps_value(codec, NV_ENC_CAPS_NUM_MAX_BFRAMES) + 1));
    if (cfg.frameFieldMode == NV_ENC_PARAMS_FRAME_FIELD_MODE_FIELD || cfg.frameFieldMode == NV_ENC_PARAMS_FRAME_FIELD_MODE_MBAFF)
        return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "field encoding is not supported by this GPU");
    out.b_frames = cfg.frameIntervalP > 1 ? cfg.frameIntervalP - 1 : 0;
    // SVT-AV1's random access always reorders; its shortest mini-GOP (3 B-frames) keeps the
    // frames it holds to about 8, where its default would hold 35.
    if (codec == Codec::AV1 && out.tuning == Tuning::HighQuality && out.b_frames == 0) out.b_frames = 1;
    // NVENC holds the B-frames (+ its lookahead when enabled); x265's preset would look 20+ frames
    // ahead and outrun a client's surfaces (FFmpeg allocates 4 per B-frame): hold as NVENC does.
    if (codec == Codec::HEVC && out.b_frames > 0) {
        const NV_ENC_RC_PARAMS& rc = cfg.rcParams;
        const int ahead = rc.enableLookahead ? std::min<int>(rc.lookaheadDepth, 32) : 0;
        out.backend_options["x265.lookahead"] = std::to_string(out.b_frames + 1 + ahead);
    }
    const bool intra_only = cfg.frameIntervalP == 0;
    if (cfg.gopLength == 0) return bad(NV_ENC_ERR_INVALID_PARAM, why, "gopLength 0 (use NVENC_INFINITE_GOPLENGTH)");
    out.gop_length = intra_only ? 1 : cfg.gopLength == NVENC_INFINITE_GOPLENGTH ? kInfiniteGop
                                                                              : static_cast<int>(std::min<uint32_t>(cfg.gopLength, 100'000));

    // Codec specifics.
    uint32_t chroma_idc = 1, bit_depth = 8, slice_mode = 0, slice_data = 0, idr_period = 0;
    bool intra_refresh = false, bypass = false;
    uint32_t ir_period = 0;
    if (codec == Codec::H264) {
        const NV_ENC_CONFIG_H264& h = cfg.encodeCodecConfig.h264Config;
        chroma_idc = h.chromaFormatIDC ? h.chromaFormatIDC : 1;
        intra_refresh = h.enableIntraRefresh;
        ir_period = h.intraRefreshPeriod;
        bypass = h.qpPrimeYZeroTransformBypassFlag;
        slice_mode = h.sliceMode;
        slice_data = h.sliceModeData;
        idr_period = h.idrPeriod;
        out.color = color_of(h.h264VUIParameters);
        if (h.enableTemporalSVC || h.enableStereoMVC)
            return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "temporal SVC / stereo MVC are not supported by this GPU");
        if (chroma_idc == 3 && !same_guid(cfg.profileGUID, NV_ENC_H264_PROFILE_HIGH_444_GUID) &&
            !same_guid(cfg.profileGUID, NV_ENC_CODEC_PROFILE_AUTOSELECT_GUID))
            return bad(NV_ENC_ERR_INVALID_PARAM, why, "chromaFormatIDC 3 needs the High 4:4:4 profile");
    } else if (codec == Codec::AV1) {
        const nvenc::NvEncConfigAv1 a = nvenc::av1_config(cfg);
        chroma_idc = a.chromaFormatIDC ? a.chromaFormatIDC : 1;
        bit_depth = 8 + a.pixelBitDepthMinus8;
        intra_refresh = a.enableIntraRefresh;
        ir_period = a.intraRefreshPeriod;
        idr_period = a.idrPeriod;
        out.color = color_of(a);
        if (chroma_idc != 1) return bad(NV_ENC_ERR_INVALID_PARAM, why, "AV1 chromaFormatIDC must be 1 (4:2:0)");
        if (a.inputPixelBitDepthMinus8 > a.pixelBitDepthMinus8)
            return bad(NV_ENC_ERR_INVALID_PARAM, why, "10-bit input needs pixelBitDepthMinus8 2 (NVENC converts 8 to 10 bits only)");
        if (a.outputAnnexBFormat)
            return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "AV1 Annex B output is not emulated (low-overhead OBUs only)");
        if (a.enableCustomTileConfig || a.enableFilmGrainParams)
            return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "custom AV1 tiles and film grain are not emulated");
        if (!same_guid(cfg.profileGUID, nvenc::kAv1ProfileMainGuid) &&
            !same_guid(cfg.profileGUID, NV_ENC_CODEC_PROFILE_AUTOSELECT_GUID))
            return bad(NV_ENC_ERR_INVALID_PARAM, why, "AV1 profile must be Main (4:2:0 8/10-bit) on this GPU");
    } else {
        const NV_ENC_CONFIG_HEVC& h = cfg.encodeCodecConfig.hevcConfig;
        chroma_idc = h.chromaFormatIDC ? h.chromaFormatIDC : 1;
        bit_depth = 8 + h.pixelBitDepthMinus8;
        intra_refresh = h.enableIntraRefresh;
        ir_period = h.intraRefreshPeriod;
        slice_mode = h.sliceMode;
        slice_data = h.sliceModeData;
        idr_period = h.idrPeriod;
        out.color = color_of(h.hevcVUIParameters);
        if (same_guid(cfg.profileGUID, NV_ENC_HEVC_PROFILE_MAIN10_GUID) && bit_depth == 8) bit_depth = 10;
        if (same_guid(cfg.profileGUID, NV_ENC_HEVC_PROFILE_MAIN_GUID) && (bit_depth != 8 || chroma_idc != 1))
            return bad(NV_ENC_ERR_INVALID_PARAM, why, "HEVC Main profile is 8-bit 4:2:0 only");
    }
    const BufferLayout input = layout_of(init.bufferFormat);
    if (input.supported && input.ten_bit && bit_depth == 8 && codec == Codec::HEVC) bit_depth = 10;
    if (input.supported && input.yuv444 && !caps_value(codec, NV_ENC_CAPS_SUPPORT_YUV444_ENCODE))
        return bad(NV_ENC_ERR_INVALID_PARAM, why, "4:4:4 input is not supported for this codec");
    if (chroma_idc != 1 && chroma_idc != 3)
        return bad(NV_ENC_ERR_INVALID_PARAM, why, "chromaFormatIDC " + std::to_string(chroma_idc) + " (allowed 1, 3)");
    if (bit_depth != 8 && bit_depth != 10)
        return bad(NV_ENC_ERR_INVALID_PARAM, why, "bit depth " + std::to_string(bit_depth) + " (allowed 8, 10)");
    if (bit_depth == 10 && !caps_value(codec, NV_ENC_CAPS_SUPPORT_10BIT_ENCODE))
        return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "10-bit encoding is not supported for this codec on this GPU");
    out.bit_depth = static_cast<int>(bit_depth);
    out.chroma = chroma_idc == 3 ? ChromaFormat::YUV444 : ChromaFormat::YUV420;
    out.input_format = chroma_idc == 3 ? (bit_depth == 10 ? PixelFormat::I444_10 : PixelFormat::I444)
                                       : (bit_depth == 10 ? PixelFormat::I420_10 : PixelFormat::I420);
    if (idr_period != 0 && !intra_only && cfg.gopLength != NVENC_INFINITE_GOPLENGTH)
        out.gop_length = static_cast<int>(std::min<uint32_t>(idr_period, 100'000));
    if (intra_refresh) {
        if (!caps_value(codec, NV_ENC_CAPS_SUPPORT_INTRA_REFRESH))
            return bad(NV_ENC_ERR_UNSUPPORTED_PARAM, why, "intra refresh is not supported for this codec on this GPU");
        if (out.b_frames > 0) return bad(NV_ENC_ERR_INVALID_PARAM, why, "intra refresh cannot be used with B-frames");
        if (ir_period == 0) return bad(NV_ENC_ERR_INVALID_PARAM, why, "intraRefreshPeriod must be > 0 with intra refresh");
        out.intra_refresh = true;
        out.intra_refresh_period = static_cast<int>(std::min<uint32_t>(ir_period, 100'000));
    }
    if (slice_mode == 3 && slice_data > 1) out.slices = static_cast<int>(std::min<uint32_t>(slice_data, 256));

    // Rate control.
    const NV_ENC_RC_PARAMS& rc = cfg.rcParams;
    const double fps = static_cast<double>(out.fps_num) / out.fps_den;
    const int64_t default_bitrate = static_cast<int64_t>(out.width * static_cast<double>(out.height) * fps * 0.08) + 1;
    const bool lossless = init.tuningInfo == NV_ENC_TUNING_INFO_LOSSLESS || bypass;
    switch (rc.rateControlMode) {
        case NV_ENC_PARAMS_RC_CONSTQP: {
            // AV1 QPs are qindex values (0..255); the wrapped SVT-AV1 takes the 0..63 quantizer.
            const uint32_t max_qp = codec == Codec::AV1 ? nvenc::kAv1MaxQindex : 51;
            if (rc.constQP.qpInterP > max_qp || rc.constQP.qpIntra > max_qp || rc.constQP.qpInterB > max_qp)
                return bad(NV_ENC_ERR_INVALID_PARAM, why, "constQP values must be 0.." + std::to_string(max_qp));
            out.rc.mode = RateControlMode::CQP;
            out.rc.qp = codec == Codec::AV1 ? nvenc::av1_quantizer_of(rc.constQP.qpInterP)
                                            : static_cast<int>(rc.constQP.qpInterP);
            if (lossless) {
                if (rc.constQP.qpInterP != 0 || rc.constQP.qpIntra != 0)
                    return bad(NV_ENC_ERR_INVALID_PARAM, why, "lossless encoding needs constQP 0");
                // x264 is lossless at QP 0 in its low-latency mode (no lookahead, like NVENC);
                // x265 needs its lossless mode.
                out.tuning = codec == Codec::H264 ? Tuning::LowLatency : Tuning::Lossless;
                out.rc.qp = 0;
            }
            break;
        }
        case NV_ENC_PARAMS_RC_CBR:
        case NV_ENC_PARAMS_RC_CBR_LOWDELAY_HQ:
        case NV_ENC_PARAMS_RC_CBR_HQ:
            out.rc.mode = RateControlMode::CBR;
            out.rc.bitrate = rc.averageBitRate ? rc.averageBitRate : default_bitrate;
            out.rc.vbv_size = rc.vbvBufferSize;
            break;
        case NV_ENC_PARAMS_RC_VBR:
        case NV_ENC_PARAMS_RC_VBR_HQ:
            if (rc.averageBitRate == 0 && rc.targetQuality > 0) {
                const int max_quality = codec == Codec::AV1 ? 63 : 51;
                if (rc.targetQuality > max_quality)
                    return bad(NV_ENC_ERR_INVALID_PARAM, why, "targetQuality must be 0.." + std::to_string(max_quality));
                out.rc.mode = RateControlMode::ConstantQuality;
                out.rc.quality = rc.targetQuality;
            } else {
                out.rc.mode = RateControlMode::VBR;
                out.rc.bitrate = rc.averageBitRate ? rc.averageBitRate : default_bitrate;
                out.rc.max_bitrate = rc.maxBitRate;
                if (out.rc.max_bitrate != 0 && out.rc.max_bitrate < out.rc.bitrate)
                    return bad(NV_ENC_ERR_INVALID_PARAM, why, "maxBitRate below averageBitRate");
                out.rc.vbv_size = rc.vbvBufferSize;
            }
            break;
        default:
            return bad(NV_ENC_ERR_INVALID_PARAM, why, "rateControlMode " + std::to_string(rc.rateControlMode) + " is not valid");
    }
    if (lossless && rc.rateControlMode != NV_ENC_PARAMS_RC_CONSTQP)
        return bad(NV_ENC_ERR_INVALID_PARAM, why, "lossless encoding needs NV_ENC_PARAMS_RC_CONSTQP");
    if (rc.enableLookahead) {
        if (rc.lookaheadDepth > 32) return bad(NV_ENC_ERR_INVALID_PARAM, why, "lookaheadDepth must be 0..32");
    }
    return NV_ENC_SUCCESS;
}

}  // namespace nvcast::emu
