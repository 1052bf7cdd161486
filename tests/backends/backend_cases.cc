#include "backends/backend_cases.h"

#include "nvcast/features.h"

namespace nvcast::test {

std::vector<BackendCase> software_backends() {
    std::vector<BackendCase> cases;
#if NVCAST_HAVE_X264
    cases.push_back({"x264", Codec::H264, ".h264", 28});
#endif
#if NVCAST_HAVE_X265
    cases.push_back({"x265", Codec::HEVC, ".hevc", 30});
#endif
#if NVCAST_HAVE_SVTAV1
    cases.push_back({"svtav1", Codec::AV1, ".ivf", 40});
#endif
    return cases;
}

std::string case_name(const BackendCase& c) { return c.backend; }

std::string backend_param_name(const ::testing::TestParamInfo<BackendCase>& param) { return case_name(param.param); }

EncoderConfig small_config(const BackendCase& c, RateControlMode mode) {
    EncoderConfig config;
    config.codec = c.codec;
    config.width = 208;
    config.height = 120;
    config.fps_num = 30;
    config.preset = 1;
    config.gop_length = 30;
    config.rc.mode = mode;
    config.rc.qp = c.qp;
    config.rc.quality = c.qp;
    config.rc.bitrate = 400'000;
    return config;
}

std::string ffmpeg_encoder_args(const BackendCase& c, const EncoderConfig& config) {
    const std::string kbps = std::to_string(config.rc.bitrate / 1000);
    const std::string gop = std::to_string(config.gop_length);
    const bool cbr = config.rc.mode == RateControlMode::CBR;
    if (c.backend == "x264") {
        std::string args = "-c:v libx264 -preset ultrafast -g " + gop + " -keyint_min " + gop +
                           " -sc_threshold 0 -bf " + std::to_string(config.b_frames);
        if (cbr) return args + " -b:v " + kbps + "k -maxrate " + kbps + "k -bufsize " + kbps + "k -x264-params filler=1";
        return args + " -qp " + std::to_string(config.rc.qp);
    }
    if (c.backend == "x265") {
        std::string params = "keyint=" + gop + ":min-keyint=" + gop + ":scenecut=0:open-gop=0:bframes=" +
                             std::to_string(config.b_frames) + ":repeat-headers=1:info=0:log-level=error";
        if (cbr) params += ":bitrate=" + kbps + ":vbv-maxrate=" + kbps + ":vbv-bufsize=" + kbps + ":strict-cbr=1";
        else params += ":qp=" + std::to_string(config.rc.qp);
        return "-c:v libx265 -preset ultrafast -x265-params " + params;
    }
    // SVT-AV1: P1 is its preset 12; closed GOP of `gop` frames.
    std::string params = "keyint=" + std::to_string(config.gop_length - 1) + ":irefresh-type=2";
    if (cbr) params += ":rc=2:pred-struct=1:tbr=" + kbps + ":lookahead=0";
    else params += ":rc=0:aq-mode=0:qp=" + std::to_string(config.rc.qp);
    return "-c:v libsvtav1 -preset 12 -svtav1-params " + params;
}

}  // namespace nvcast::test
