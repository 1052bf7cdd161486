// `nvcast encode`: input -> encoder -> file, with a summary and optional PSNR check.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "commands.h"
#include "encoder_options.h"
#include "progress.h"

#ifdef NVCAST_HAVE_JSON
#include <nlohmann/json.hpp>
#endif

namespace nvcast::cli {
namespace {

struct EncodeArgs {
    InputOptions input;
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
    int64_t psnr_frames = 0;

    double fps() const { return seconds > 0 ? static_cast<double>(frames_in) / seconds : 0; }
    double bitrate(const EncoderConfig& c) const {
        const double duration = static_cast<double>(packets) * c.fps_den / c.fps_num;
        return duration > 0 ? static_cast<double>(bytes) * 8 / duration : 0;
    }
    double average_qp() const { return qp_count ? qp_sum / static_cast<double>(qp_count) : -1; }
};

// Decodes the output and compares it with a fresh read of the input.
void measure_psnr(const EncodeArgs& args, EncodeStats& stats) {
    auto source = open_input(args.input);
    auto decoder = open_decoder(args.output);
    PsnrAccumulator acc;
    Frame original, decoded, converted;
    int64_t decoded_count = 0;
    while (decoder->read(decoded)) {
        ++decoded_count;
        if (!source->read(original)) continue;
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
    if (s.psnr)
        j["psnr"] = {{"y", s.psnr->y}, {"u", s.psnr->u}, {"v", s.psnr->v}, {"average", s.psnr->average},
                     {"frames", s.psnr_frames}};
    std::printf("%s\n", j.dump(2).c_str());
}
#endif

int run_encode(const EncodeArgs& args) {
    auto source = open_input(args.input);
    const EncoderConfig config = make_config(args.encoder, source->info());
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
    const auto start = std::chrono::steady_clock::now();
    Frame frame;
    while ((args.input.frames < 0 || stats.frames_in < args.input.frames) && source->read(frame)) {
        encoder.send_frame(frame);
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
    if (args.psnr) measure_psnr(args, stats);

#ifdef NVCAST_HAVE_JSON
    if (args.json) {
        print_json(args, config, encoder.backend_name(), opened.selection, stats);
        return 0;
    }
#endif
    print_summary(args, config, encoder.backend_name(), stats);
    return 0;
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
    cmd->add_flag("--psnr", args.psnr, "Decode the output (libavcodec) and report PSNR against the input");
    cmd->add_flag("--json", args.json, "Print the summary as JSON on stdout");
    cmd->callback([&exit_code, cmd] {
        args.quiet = cmd->get_parent()->get_option("--quiet")->as<bool>();
        exit_code = run_encode(args);
    });
}

}  // namespace nvcast::cli
