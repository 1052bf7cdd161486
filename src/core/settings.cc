#include "nvcast/settings.h"

#include <tuple>

#include "core/text.h"

#include "nvcast/error.h"

namespace nvcast {
namespace {

[[noreturn]] void bad(std::string_view option, std::string_view text, std::string_view allowed) {
    throw Error(ErrorCode::InvalidArgument,
                std::string(option) + " '" + std::string(text) + "' is invalid (allowed: " + std::string(allowed) + ")");
}

}  // namespace

void parse_frame_rate(std::string_view text, int& num, int& den, std::string_view option) {
    const size_t slash = text.find('/');
    num = 0;
    den = 1;
    const auto n = parse_int<int>(text.substr(0, slash));
    const auto d = slash == std::string_view::npos ? std::optional<int>(1) : parse_int<int>(text.substr(slash + 1));
    const bool ok = n && *n > 0 && d && *d > 0;
    if (ok) num = *n, den = *d;
    if (!ok)
        throw Error(ErrorCode::InvalidArgument, std::string(option) + " '" + std::string(text) +
                                                    "' is not a rate (examples: 30, 60, 30000/1001)");
}

int parse_preset(std::string_view text) {
    std::string_view t = text;
    if (!t.empty() && (t[0] == 'p' || t[0] == 'P')) t.remove_prefix(1);
    if (t.size() == 1 && t[0] >= '1' && t[0] <= '7') return t[0] - '0';
    bad("preset", text, "p1 (fastest) .. p7 (best)");
}

int parse_gop(std::string_view text) {
    if (text == "infinite" || text == "inf" || text == "-1") return kInfiniteGop;
    const auto gop = parse_int<int>(text);
    if (!gop || *gop <= 0 || *gop > 100'000) bad("gop", text, "1..100000 or 'infinite'");
    return *gop;
}

int parse_gpu(std::string_view text) {
    if (text == "auto") return kAutoGpu;
    const auto gpu = parse_int<int>(text);
    if (!gpu || *gpu < 0 || *gpu > 63) bad("gpu", text, "a CUDA device index 0..63, or auto");
    return *gpu;
}

std::pair<std::string, std::string> parse_backend_option(std::string_view text) {
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0)
        bad("backend option", text, "BACKEND.OPTION=VALUE, e.g. nvenc.output_delay=2");
    return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

InputOptions make_input_options(const InputSettings& in) {
    InputOptions raw;
    if (!in.size.empty()) {
        const auto size = parse_frame_size(in.size);
        if (!size) bad("size", in.size, "WIDTHxHEIGHT, e.g. 1920x1080");
        std::tie(raw.width, raw.height) = *size;
    }
    if (!in.input_format.empty()) raw.format = parse_pixel_format(in.input_format);
    if (!in.fps.empty()) {
        parse_frame_rate(in.fps, raw.fps_num, raw.fps_den);
        raw.fps_given = true;
    }
    raw.frames = in.frames;
    raw.demuxer = in.demuxer;
    for (const std::string& option : in.demuxer_options) {
        const size_t eq = option.find('=');
        if (eq == std::string::npos || eq == 0) bad("input option", option, "KEY=VALUE, e.g. video_size=1280x720");
        raw.demuxer_options[option.substr(0, eq)] = option.substr(eq + 1);
    }
    if (in.stream < -1) bad("stream", std::to_string(in.stream), "a video stream number from 0");
    raw.stream = in.stream;
    raw.decoder = parse_decoder_choice(in.decoder);
    raw.audio = in.audio;
    if (!(in.timeout > 0 && in.timeout <= 3600)) bad("timeout", std::to_string(in.timeout), "0 < seconds <= 3600");
    raw.timeout_s = in.timeout;
    return raw;
}

std::unique_ptr<FrameSource> open_input(const InputSettings& in) { return open_source(in.input, make_input_options(in)); }

EncoderConfig make_encoder_config(const EncoderSettings& e, const SourceInfo& s) {
    EncoderConfig c;
    c.codec = parse_codec(e.codec);
    c.width = s.width;
    c.height = s.height;
    c.fps_num = s.fps_num;
    c.fps_den = s.fps_den;
    c.input_format = s.format;
    c.color = s.color;
    const FormatInfo& in = format_info(s.format);
    c.bit_depth = e.bit_depth ? e.bit_depth : (in.bit_depth > 8 ? 10 : 8);
    if (e.chroma.empty())
        c.chroma = in.chroma_shift_x == 0 && !in.packed_rgb ? ChromaFormat::YUV444 : ChromaFormat::YUV420;
    else if (e.chroma == "420")
        c.chroma = ChromaFormat::YUV420;
    else if (e.chroma == "444")
        c.chroma = ChromaFormat::YUV444;
    else
        bad("chroma", e.chroma, "420, 444");
    c.profile = e.profile;
    c.preset = parse_preset(e.preset);
    c.tuning = parse_tuning(e.tune);
    c.rc.mode = !e.rc.empty() ? parse_rate_control(e.rc)
                              : (e.bitrate.empty() ? RateControlMode::CQP : RateControlMode::VBR);
    if (!e.bitrate.empty()) c.rc.bitrate = parse_bitrate(e.bitrate);
    if (!e.max_bitrate.empty()) c.rc.max_bitrate = parse_bitrate(e.max_bitrate);
    if (!e.vbv_size.empty()) c.rc.vbv_size = parse_bitrate(e.vbv_size);
    if ((c.rc.mode == RateControlMode::CBR || c.rc.mode == RateControlMode::VBR) && e.bitrate.empty())
        throw Error(ErrorCode::InvalidArgument, "rc " + e.rc + " needs a bitrate (e.g. --bitrate 5M)");
    c.rc.qp = e.qp;
    c.rc.quality = e.quality;
    c.gop_length = parse_gop(e.gop);
    c.b_frames = e.bframes;
    c.intra_refresh = e.intra_refresh;
    c.intra_refresh_period = e.intra_refresh_period;
    c.slices = e.slices;
    c.threads = e.threads;
    c.gpu = parse_gpu(e.gpu);
    c.backend_options = e.backend_options;
    validate(c);
    return c;
}

}  // namespace nvcast
