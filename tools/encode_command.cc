// `nvcast encode`: input -> encoder -> file, with a summary and optional PSNR check.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

#include "commands.h"
#include "option_checks.h"
#include "nvcast/convert.h"
#include "encoder_options.h"
#include "interrupt.h"
#include "progress.h"

#ifdef NVCAST_HAVE_JSON
#include <nlohmann/json.hpp>
#endif

namespace nvcast::cli {
namespace {

// Frame preparation before the encoder (src/gpu): scaling, tone mapping, format conversion.
struct PrepareArgs {
    std::string scale;                 // WxH
    std::string filter = "bicubic";
    std::string tonemap;               // tone curve
    std::string input_transfer;        // pq | hlg: label an HDR input that carries no colour description
    double peak = 1000;                // HDR source peak, cd/m^2
};

struct EncodeArgs {
    InputOptions input;
    PrepareArgs prepare;
    EncodeOptions encoder;
    std::string output;
    bool psnr = false;
    bool json = false;
    bool quiet = false;
};

struct EncodeStats {
    int64_t frames_in = 0;
    int64_t packets = 0;
    int64_t bytes = 0;
    int64_t keyframes = 0;
    double qp_sum = 0;
    int64_t qp_count = 0;
    std::map<std::string, int64_t> types;
    double seconds = 0;
    std::optional<Psnr> psnr;
    std::string prepare;  // summary of the frame preparation, empty when none ran
    std::string interrupted;  // the signal that stopped the input early, empty when it ran to the end
    int64_t psnr_frames = 0;

    double fps() const { return seconds > 0 ? static_cast<double>(frames_in) / seconds : 0; }
    double bitrate(const EncoderConfig& c) const {
        const double duration = static_cast<double>(packets) * c.fps_den / c.fps_num;
        return duration > 0 ? static_cast<double>(bytes) * 8 / duration : 0;
    }
    double average_qp() const { return qp_count ? qp_sum / static_cast<double>(qp_count) : -1; }
};

// Plans the preparation step: what the encoder gets (size, format, colour) and the converter.
struct Preparation {
    bool active = false;
    SourceInfo info;  // what the encoder sees
    ConvertTarget target;
    std::unique_ptr<FrameConverter> converter;

    SourceInfo info_in;  // the input, with its colour labels (--input-transfer applied)

    Frame run(const Frame& in) {
        Frame f = in;  // shares the pixels; only the colour label may change
        const ColorDescription& c = info_in.color;
        if (f.color.primaries == ColorPrimaries::Unspecified) f.color.primaries = c.primaries;
        if (f.color.transfer == TransferCharacteristics::Unspecified) f.color.transfer = c.transfer;
        if (f.color.matrix == MatrixCoefficients::Unspecified) f.color.matrix = c.matrix;
        return converter->convert(f, target);
    }
};

Preparation plan_preparation(const PrepareArgs& a, const SourceInfo& in) {
    Preparation p;
    p.info_in = in;
    p.info = in;
    if (!a.input_transfer.empty()) {
        if (a.input_transfer != "pq" && a.input_transfer != "hlg")
            throw Error(ErrorCode::InvalidArgument, "--input-transfer '" + a.input_transfer + "' is invalid (allowed: pq, hlg)");
        p.info_in.color.primaries = ColorPrimaries::BT2020;
        p.info_in.color.transfer = a.input_transfer == "pq" ? TransferCharacteristics::PQ : TransferCharacteristics::HLG;
        if (format_info(in.format).packed_rgb) p.info_in.color.matrix = MatrixCoefficients::RGB;
        else p.info_in.color.matrix = MatrixCoefficients::BT2020_NCL;
    }
    ConvertOptions o;
    o.filter = parse_scale_filter(a.filter);
    o.gpu_for_host_frames = true;
    if (!a.tonemap.empty()) {
        o.tonemap.curve = parse_tone_curve(a.tonemap);
        o.tonemap.source_peak_nits = a.peak;
    }
    const bool tonemap = o.tonemap.curve != ToneCurve::None;
    const FormatInfo& f = format_info(in.format);
    // Encoders take planar YUV: packed RGB becomes I420 (10-bit RGB: I420_10); tone mapping gives 8-bit I420.
    PixelFormat format = in.format;
    if (f.packed_rgb) format = f.bit_depth > 8 ? PixelFormat::I420_10 : PixelFormat::I420;
    if (tonemap) format = f.chroma_shift_x == 0 && !f.packed_rgb ? PixelFormat::I444 : PixelFormat::I420;
    int w = in.width, h = in.height;
    if (!a.scale.empty()) {
        const auto size = parse_frame_size(a.scale);
        if (!size)
            throw Error(ErrorCode::InvalidArgument,
                        "--scale '" + a.scale + "' is not WIDTHxHEIGHT with positive sizes (e.g. 1280x720)");
        std::tie(w, h) = *size;
    }
    if (format == in.format && w == in.width && h == in.height && !tonemap) return p;
    p.active = true;
    p.converter = std::make_unique<FrameConverter>(o);
    p.target = ConvertTarget{format, w, h, {}};
    Frame probe = Frame::allocate(in.format, in.width, in.height);
    probe.color = p.info_in.color;
    p.info.format = format;
    p.info.width = w;
    p.info.height = h;
    p.info.color = FrameConverter::resolve_output_color(probe, format, {}, o.tonemap);
    return p;
}

// Decodes the output and compares it with a fresh read of the input.
void measure_psnr(const EncodeArgs& args, Preparation& prep, EncodeStats& stats) {
    auto source = open_input(args.input);
    auto decoder = open_decoder(args.output);
    PsnrAccumulator acc;
    Frame original, decoded, converted;
    int64_t decoded_count = 0;
    while (decoder->read(decoded)) {
        ++decoded_count;
        if (!source->read(original)) continue;
        if (prep.active) original = prep.run(original);
        const Frame* reference = &original;
        if (original.format() != decoded.format()) {
            convert_yuv_layout(original, decoded.format(), converted);
            reference = &converted;
        }
        acc.add(compute_psnr(*reference, decoded));
    }
    if (decoded_count != stats.frames_in)
        throw Error(ErrorCode::InvalidData, "PSNR check: the output decodes to " + std::to_string(decoded_count) +
                                                " frames, but " + std::to_string(stats.frames_in) + " were encoded");
    stats.psnr = acc.mean();
    stats.psnr_frames = acc.frames();
}

void print_summary(const EncodeArgs& args, const EncoderConfig& c, const std::string& backend, const EncodeStats& s) {
    std::printf("encoded %lld frames (%dx%d %s, %s) with %s in %.2f s: %.1f fps\n",
                static_cast<long long>(s.frames_in), c.width, c.height, std::string(to_string(c.codec)).c_str(),
                std::string(to_string(c.rc.mode)).c_str(), backend.c_str(), s.seconds, s.fps());
    std::printf("output %s: %lld bytes, %.1f kbit/s, %lld keyframes", args.output.c_str(),
                static_cast<long long>(s.bytes), s.bitrate(c) / 1000, static_cast<long long>(s.keyframes));
    if (s.average_qp() >= 0) std::printf(", average QP %.1f", s.average_qp());
    std::printf("\nframe types:");
    for (const auto& [type, count] : s.types) std::printf(" %s=%lld", type.c_str(), static_cast<long long>(count));
    std::printf("\n");
    if (!s.prepare.empty()) std::printf("%s\n", s.prepare.c_str());
    if (!s.interrupted.empty())
        std::printf("interrupted by %s: stopped reading after %lld frames; every frame read was encoded and the output "
                    "finalised\n",
                    s.interrupted.c_str(), static_cast<long long>(s.frames_in));
    if (s.psnr)
        std::printf("PSNR vs input (%lld frames): Y %.2f dB  U %.2f dB  V %.2f dB  average %.2f dB\n",
                    static_cast<long long>(s.psnr_frames), s.psnr->y, s.psnr->u, s.psnr->v, s.psnr->average);
}

#ifdef NVCAST_HAVE_JSON
void print_json(const EncodeArgs& args, const EncoderConfig& c, const std::string& backend, const std::string& selection,
                const EncodeStats& s) {
    nlohmann::json j{{"backend", backend}, {"selection", selection}, {"codec", to_string(c.codec)},
                     {"width", c.width}, {"height", c.height}, {"fps", static_cast<double>(c.fps_num) / c.fps_den},
                     {"rate_control", to_string(c.rc.mode)}, {"output", args.output}, {"frames", s.frames_in},
                     {"packets", s.packets}, {"bytes", s.bytes}, {"keyframes", s.keyframes},
                     {"seconds", s.seconds}, {"encode_fps", s.fps()}, {"bitrate", s.bitrate(c)},
                     {"average_qp", s.average_qp()}, {"frame_types", s.types}};
    if (!s.prepare.empty()) j["prepare"] = s.prepare;
    if (!s.interrupted.empty()) j["interrupted"] = s.interrupted;
    if (s.psnr)
        j["psnr"] = {{"y", s.psnr->y}, {"u", s.psnr->u}, {"v", s.psnr->v}, {"average", s.psnr->average},
                     {"frames", s.psnr_frames}};
    std::printf("%s\n", j.dump(2).c_str());
}
#endif

// "x264", or "nvh264 (CUDA on NVIDIA H200)" where the backend says where it ran.
std::string backend_label(const Encoder& encoder) {
    const std::string engine = encoder.engine();
    return encoder.backend_name() + (engine.empty() ? "" : " (" + engine + ")");
}

int run_encode(const EncodeArgs& args) {
    auto source = open_input(args.input);
    Preparation prep = plan_preparation(args.prepare, source->info());
    const EncoderConfig config = make_config(args.encoder, prep.info);
    OpenedEncoder opened = open_encoder(args.encoder.backend, config);
    Encoder& encoder = *opened.encoder;
    log(LogLevel::Info, opened.selection);

    StreamInfo stream{config.codec, config.width, config.height, config.fps_num, config.fps_den, config.color,
                      encoder.codec_headers()};
    auto sink = open_sink(args.output, stream);

    EncodeStats stats;
    int64_t total = source->info().frame_count;
    if (args.input.frames > 0 && (total < 0 || args.input.frames < total)) total = args.input.frames;
    ProgressBar progress(total, !args.quiet && !args.json);
    auto drain = [&] {
        while (auto packet = encoder.receive_packet()) {
            sink->write(*packet);
            ++stats.packets;
            stats.bytes += static_cast<int64_t>(packet->size());
            stats.keyframes += packet->keyframe;
            if (packet->qp >= 0) stats.qp_sum += packet->qp, ++stats.qp_count;
            ++stats.types[std::string(to_string(packet->type))];
        }
    };
    const InterruptGuard guard;
    const auto start = std::chrono::steady_clock::now();
    Frame frame;
    while ((args.input.frames < 0 || stats.frames_in < args.input.frames) && !interrupted() && source->read(frame)) {
        if (prep.active) {
            const Frame prepared = prep.run(frame);
            encoder.send_frame(prepared);
        } else {
            encoder.send_frame(frame);
        }
        ++stats.frames_in;
        drain();
        progress.update(stats.frames_in, static_cast<double>(stats.bytes) * 8);
    }
    encoder.flush();
    drain();
    sink->close();
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.finish();
    if (stats.packets != stats.frames_in)
        throw Error(ErrorCode::EncoderFailure, "encoder returned " + std::to_string(stats.packets) + " packets for " +
                                                   std::to_string(stats.frames_in) + " frames sent");
    if (stats.frames_in == 0) throw Error(ErrorCode::InvalidData, "the input has no frames");
    if (prep.active) {
        const SourceInfo& i = prep.info_in;
        stats.prepare = "frame preparation: " + std::string(to_string(i.format)) + " " + std::to_string(i.width) + "x" +
                        std::to_string(i.height) + " -> " + std::string(to_string(prep.info.format)) + " " +
                        std::to_string(prep.info.width) + "x" + std::to_string(prep.info.height) +
                        (args.prepare.tonemap.empty() ? "" : ", tone map " + args.prepare.tonemap) + " ran on the " +
                        std::string(to_string(prep.converter->last_path())) +
                        (prep.converter->last_path() == ConvertPath::Gpu ? "" : " (" + FrameConverter::describe_gpu() + ")");
    }
    if (interrupted()) stats.interrupted = interrupt_name();
    if (args.psnr) measure_psnr(args, prep, stats);

#ifdef NVCAST_HAVE_JSON
    if (args.json) {
        print_json(args, config, backend_label(encoder), opened.selection, stats);
        return stats.interrupted.empty() ? 0 : interrupt_exit_code();
    }
#endif
    print_summary(args, config, backend_label(encoder), stats);
    return stats.interrupted.empty() ? 0 : interrupt_exit_code();
}

}  // namespace

void add_encode_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("encode", "Encode a video file or synthetic source to H.264, HEVC or AV1");
    cmd->footer(
        "\nExamples:\n"
        "  nvcast encode synthetic:1920x1080@60:300 -o out.mp4\n"
        "  nvcast encode in.y4m --codec hevc --rc cbr --bitrate 4M -o out.hevc --psnr\n"
        "  nvcast encode in.yuv --size 1280x720 --input-format nv12 --fps 30 -c av1 -o out.ivf\n"
        "Output format follows the extension: .h264/.264, .h265/.hevc, .ivf/.obu (AV1), .mp4, .mov, .mkv, .ts");
    static EncodeArgs args;
    add_input_options(*cmd, args.input);
    add_encoder_options(*cmd, args.encoder);
    cmd->add_option("-o,--output", args.output, "Output file; its extension picks the format")->required();
    cmd->add_option("--scale", args.prepare.scale, "Scale to WIDTHxHEIGHT before encoding")->group("Frame preparation");
    cmd->add_option("--scale-filter", args.prepare.filter, "Scaling filter: bilinear, bicubic (default), area")
        ->group("Frame preparation");
    cmd->add_option("--tonemap", args.prepare.tonemap,
                    "HDR -> SDR BT.709 tone curve: bt2390, hable, reinhard, clip (input must be PQ or HLG)")
        ->group("Frame preparation");
    cmd->add_option("--hdr-peak", args.prepare.peak, "HDR source peak luminance in cd/m^2 for --tonemap (default 1000)")
        ->check(finite_in(1, 10000))
        ->group("Frame preparation");
    cmd->add_option("--input-transfer", args.prepare.input_transfer,
                    "Label the input as BT.2020 HDR with this transfer: pq or hlg")
        ->group("Frame preparation");
    cmd->add_flag("--psnr", args.psnr, "Decode the output (libavcodec) and report PSNR against the input");
    cmd->add_flag("--json", args.json, "Print the summary as JSON on stdout");
    cmd->callback([&exit_code, cmd] {
        args.quiet = cmd->get_parent()->get_option("--quiet")->as<bool>();
        exit_code = run_encode(args);
    });
}

}  // namespace nvcast::cli
