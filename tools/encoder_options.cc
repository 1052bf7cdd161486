#include "encoder_options.h"

#include "option_checks.h"

#include <charconv>
#include <tuple>

namespace nvcast::cli {
namespace {

void parse_rate(const std::string& text, int& num, int& den) {
    const size_t slash = text.find('/');
    num = 0;
    den = 1;
    auto r1 = std::from_chars(text.data(), text.data() + (slash == std::string::npos ? text.size() : slash), num);
    bool ok = r1.ec == std::errc() && num > 0;
    if (slash != std::string::npos) {
        auto r2 = std::from_chars(text.data() + slash + 1, text.data() + text.size(), den);
        ok = ok && r2.ec == std::errc() && r2.ptr == text.data() + text.size() && den > 0;
    } else {
        ok = ok && r1.ptr == text.data() + text.size();
    }
    if (!ok) throw Error(ErrorCode::InvalidArgument, "--fps '" + text + "' is not a rate (examples: 30, 60, 30000/1001)");
}

int parse_preset(const std::string& text) {
    std::string t = text;
    if (!t.empty() && (t[0] == 'p' || t[0] == 'P')) t = t.substr(1);
    if (t.size() == 1 && t[0] >= '1' && t[0] <= '7') return t[0] - '0';
    throw Error(ErrorCode::InvalidArgument, "--preset '" + text + "' is invalid (allowed: p1 (fastest) .. p7 (best))");
}

int parse_gop(const std::string& text) {
    if (text == "infinite" || text == "inf" || text == "-1") return kInfiniteGop;
    int gop = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), gop);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || gop <= 0)
        throw Error(ErrorCode::InvalidArgument, "--gop '" + text + "' is invalid (allowed: 1..100000 or 'infinite')");
    return gop;
}

}  // namespace

void add_input_options(CLI::App& cmd, InputOptions& in) {
    cmd.add_option("input", in.input,
                   "Input: a .y4m file, a raw .yuv file (needs --size and --input-format), or "
                   "synthetic:WIDTHxHEIGHT[@FPS][:FRAMES] for generated test video")
        ->required();
    cmd.add_option("--size", in.size, "Frame size of a raw input, WIDTHxHEIGHT")->group("Input");
    cmd.add_option("--input-format", in.input_format,
                   "Pixel format of a raw input: i420, nv12, i444, p010, i420p10, i444p10")
        ->group("Input");
    cmd.add_option("--fps", in.fps, "Frame rate of a raw input (or override): 30, 60, 30000/1001")->group("Input");
    cmd.add_option("-n,--frames", in.frames, "Encode at most N frames")->group("Input")->check(CLI::PositiveNumber);
}

void add_encoder_options(CLI::App& cmd, EncodeOptions& e) {
    const char* g = "Encoder";
    cmd.add_option("-c,--codec", e.codec, "Codec: h264, hevc, av1")->capture_default_str()->group(g);
    cmd.add_option("-b,--backend", e.backend,
                   "Backend: auto (best available: nvenc, then nvcast's GPU engine, then software), or a name "
                   "from `nvcast probe`")
        ->capture_default_str()->group(g);
    cmd.add_option("--preset", e.preset, "Speed/quality: p1 (fastest) .. p7 (best quality)")->capture_default_str()->group(g);
    cmd.add_option("--tune", e.tune, "Tuning: hq, ll (low latency), ull (ultra-low latency), lossless")
        ->capture_default_str()->group(g);
    cmd.add_option("--rc", e.rc, "Rate control: cqp, cbr, vbr, cq (default: cqp, or vbr with --bitrate)")->group(g);
    cmd.add_option("--bitrate", e.bitrate, "Target bitrate for cbr/vbr, e.g. 5M, 800k")->group(g);
    cmd.add_option("--max-bitrate", e.max_bitrate, "Peak bitrate for vbr (default 1.5x the target)")->group(g);
    cmd.add_option("--vbv-size", e.vbv_size, "VBV buffer in bits, e.g. 5M (default: one second)")->group(g);
    cmd.add_option("--qp", e.qp, "QP for cqp (h264/hevc 0..51, av1 0..63)")->capture_default_str()->group(g);
    cmd.add_option("--quality", e.quality, "Quality level for cq, lower is better (like x264's crf)")
        ->capture_default_str()->group(g);
    cmd.add_option("--gop", e.gop, "Frames from one IDR to the next, or 'infinite'")->capture_default_str()->group(g);
    cmd.add_option("--bframes", e.bframes, "B-frames between references (0 = no reordering)")->capture_default_str()->group(g);
    cmd.add_flag("--intra-refresh", e.intra_refresh, "Periodic intra refresh instead of IDR frames")->group(g);
    cmd.add_option("--intra-refresh-period", e.intra_refresh_period, "Frames per intra-refresh cycle")
        ->group(g)
        ->check(integer_in(1, 100000));
    cmd.add_option("--slices", e.slices, "Slices per frame")->capture_default_str()->group(g)->check(integer_in(1, 1024));
    cmd.add_option("--bit-depth", e.bit_depth, "Encoded bit depth, 8 or 10 (default: the input's)")->group(g);
    cmd.add_option("--chroma", e.chroma, "Encoded chroma format, 420 or 444 (default: the input's)")->group(g);
    cmd.add_option("--profile", e.profile, "Codec profile (default: chosen from bit depth and chroma)")->group(g);
    cmd.add_option("--threads", e.threads, "Encoder threads (0 = library default)")->group(g)->check(integer_in(0, 1024));
}

std::unique_ptr<FrameSource> open_input(const InputOptions& in) {
    RawInputOptions raw;
    const auto size = in.size.empty() ? std::nullopt : parse_frame_size(in.size);
    if (size) std::tie(raw.width, raw.height) = *size;
    if (!in.size.empty() && !size)
        throw Error(ErrorCode::InvalidArgument, "--size '" + in.size + "' is not WIDTHxHEIGHT (e.g. 1920x1080)");
    if (!in.input_format.empty()) raw.format = parse_pixel_format(in.input_format);
    if (!in.fps.empty()) parse_rate(in.fps, raw.fps_num, raw.fps_den);
    raw.frames = in.frames;
    return open_source(in.input, raw);
}

EncoderConfig make_config(const EncodeOptions& e, const SourceInfo& s) {
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
        throw Error(ErrorCode::InvalidArgument, "--chroma '" + e.chroma + "' is invalid (allowed: 420, 444)");
    c.profile = e.profile;
    c.preset = parse_preset(e.preset);
    c.tuning = parse_tuning(e.tune);
    c.rc.mode = !e.rc.empty() ? parse_rate_control(e.rc)
                              : (e.bitrate.empty() ? RateControlMode::CQP : RateControlMode::VBR);
    if (!e.bitrate.empty()) c.rc.bitrate = parse_bitrate(e.bitrate);
    if (!e.max_bitrate.empty()) c.rc.max_bitrate = parse_bitrate(e.max_bitrate);
    if (!e.vbv_size.empty()) c.rc.vbv_size = parse_bitrate(e.vbv_size);
    if ((c.rc.mode == RateControlMode::CBR || c.rc.mode == RateControlMode::VBR) && e.bitrate.empty())
        throw Error(ErrorCode::InvalidArgument, "--rc " + e.rc + " needs --bitrate (e.g. --bitrate 5M)");
    c.rc.qp = e.qp;
    c.rc.quality = e.quality;
    c.gop_length = parse_gop(e.gop);
    c.b_frames = e.bframes;
    c.intra_refresh = e.intra_refresh;
    c.intra_refresh_period = e.intra_refresh_period;
    c.slices = e.slices;
    c.threads = e.threads;
    validate(c);
    return c;
}

}  // namespace nvcast::cli
