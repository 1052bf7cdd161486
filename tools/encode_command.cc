// `nvcast encode`: input -> encoder -> file, with a summary and optional PSNR check.
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "commands.h"
#include "option_checks.h"
#include "nvcast/convert.h"
#include "encoder_options.h"
#include "interrupt.h"
#include "nvcast/pipeline.h"
#include "nvcast/settings.h"
#include "pipeline_view.h"
#include "prepare_options.h"
#include "progress.h"

#ifdef NVCAST_HAVE_JSON
#include <nlohmann/json.hpp>
#endif

namespace nvcast::cli {
namespace {

struct EncodeArgs {
    InputSettings input;
    PrepareSettings prepare;
    EncodeOptions encoder;
    std::string output;
    bool psnr = false;
    bool json = false;
    bool quiet = false;
};

struct PsnrResult {
    Psnr psnr;
    int64_t frames = 0;
};

// Decodes the output and compares it with a fresh read of the input, prepared the same way.
PsnrResult measure_psnr(const EncodeArgs& args, int64_t frames_encoded) {
    auto source = open_input(args.input);
    Preparation prep(make_prepare_spec(args.prepare), source->info());
    auto decoder = open_decoder(args.output);
    PsnrAccumulator acc;
    Frame original, decoded, converted;
    int64_t decoded_count = 0;
    while (decoder->read(decoded)) {
        ++decoded_count;
        if (!source->read(original)) continue;
        const Frame prepared = prep.run(original);
        const Frame* reference = &prepared;
        if (prepared.format() != decoded.format()) {
            convert_yuv_layout(prepared, decoded.format(), converted);
            reference = &converted;
        }
        acc.add(compute_psnr(*reference, decoded));
    }
    if (decoded_count != frames_encoded)
        throw Error(ErrorCode::InvalidData, "PSNR check: the output decodes to " + std::to_string(decoded_count) +
                                                " frames, but " + std::to_string(frames_encoded) + " were encoded");
    return {acc.mean(), acc.frames()};
}

std::string frame_type_list(const StreamStats& s) {
    std::string out;
    for (const auto& [type, count] : s.frame_types) out += " " + std::string(to_string(type)) + "=" + std::to_string(count);
    return out;
}

void print_summary(const EncodeArgs& args, const EncoderConfig& c, const StreamStats& s,
                   const std::optional<PsnrResult>& psnr) {
    std::printf("encoded %lld frames (%dx%d %s, %s) with %s in %.2f s: %.1f fps\n",
                static_cast<long long>(s.frames_encoded), c.width, c.height, std::string(to_string(c.codec)).c_str(),
                std::string(to_string(c.rc.mode)).c_str(), s.encoder.c_str(), s.seconds, s.fps());
    std::printf("output %s: %lld bytes, %.1f kbit/s, %lld keyframes", args.output.c_str(),
                static_cast<long long>(s.bytes), s.bitrate() / 1000, static_cast<long long>(s.keyframes));
    if (s.average_qp() >= 0) std::printf(", average QP %.1f", s.average_qp());
    std::printf("\nframe types:%s\n", frame_type_list(s).c_str());
    if (!s.decoder.empty()) std::printf("input decoded: %s\n", s.decoder.c_str());
    if (!s.preparation.empty()) std::printf("frame preparation: %s\n", s.preparation.c_str());
    if (s.state == StreamState::Stopped)
        std::printf("interrupted by %s: stopped reading after %lld frames; every frame read was encoded and the output "
                    "finalised\n",
                    interrupt_name(), static_cast<long long>(s.frames_in));
    if (psnr)
        std::printf("PSNR vs input (%lld frames): Y %.2f dB  U %.2f dB  V %.2f dB  average %.2f dB\n",
                    static_cast<long long>(psnr->frames), psnr->psnr.y, psnr->psnr.u, psnr->psnr.v, psnr->psnr.average);
}

#ifdef NVCAST_HAVE_JSON
void print_json(const EncodeArgs& args, const EncoderConfig& c, const StreamStats& s,
                const std::optional<PsnrResult>& psnr) {
    nlohmann::json types = nlohmann::json::object();
    for (const auto& [type, count] : s.frame_types) types[std::string(to_string(type))] = count;
    nlohmann::json j{{"backend", s.encoder}, {"selection", s.selection}, {"codec", to_string(c.codec)},
                     {"width", c.width}, {"height", c.height}, {"fps", static_cast<double>(c.fps_num) / c.fps_den},
                     {"rate_control", to_string(c.rc.mode)}, {"output", args.output}, {"frames", s.frames_encoded},
                     {"packets", s.packets}, {"bytes", s.bytes}, {"keyframes", s.keyframes},
                     {"seconds", s.seconds}, {"encode_fps", s.fps()}, {"bitrate", s.bitrate()},
                     {"average_qp", s.average_qp()}, {"frame_types", types},
                     {"host_device_copies", s.host_device_copies}};
    if (!s.preparation.empty()) j["prepare"] = "frame preparation: " + s.preparation;
    if (!s.decoder.empty()) j["decoder"] = s.decoder;
    if (s.state == StreamState::Stopped) j["interrupted"] = interrupt_name();
    if (psnr)
        j["psnr"] = {{"y", psnr->psnr.y}, {"u", psnr->psnr.u}, {"v", psnr->psnr.v}, {"average", psnr->psnr.average},
                     {"frames", psnr->frames}};
    std::printf("%s\n", j.dump(2).c_str());
}
#endif

int run_encode(const EncodeArgs& args) {
    StreamSettings settings;
    settings.name = args.output;
    settings.input = args.input;
    settings.prepare = args.prepare;
    settings.encoder = args.encoder;
    settings.outputs.push_back(output_to(args.output));
    PipelineConfig pc;
    pc.streams.push_back(make_stream_spec(settings));
    const int64_t total_in = pc.streams[0].source->info().frame_count;
    const EncoderConfig config = pc.streams[0].encoder;
    Pipeline pipeline(std::move(pc));
    log(LogLevel::Info, pipeline.stats().front().selection);

    int64_t total = total_in;
    if (args.input.frames > 0 && (total < 0 || args.input.frames < total)) total = args.input.frames;
    ProgressBar progress(total, !args.quiet && !args.json);
    const Snapshot end = run_to_end(pipeline, [&](const Snapshot& now) {
        progress.update(now[0].frames_encoded, static_cast<double>(now[0].bytes) * 8);
    });
    progress.finish();
    const StreamStats& stats = end.front();
    if (stats.state == StreamState::Failed) throw Error(ErrorCode::EncoderFailure, stats.error);
    std::optional<PsnrResult> psnr;
    if (args.psnr) psnr = measure_psnr(args, stats.frames_encoded);

#ifdef NVCAST_HAVE_JSON
    if (args.json) {
        print_json(args, config, stats, psnr);
        return stats.state == StreamState::Stopped ? interrupt_exit_code() : 0;
    }
#endif
    print_summary(args, config, stats, psnr);
    return stats.state == StreamState::Stopped ? interrupt_exit_code() : 0;
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
    add_prepare_options(*cmd, args.prepare);
    cmd->add_flag("--psnr", args.psnr, "Decode the output (libavcodec) and report PSNR against the input");
    cmd->add_flag("--json", args.json, "Print the summary as JSON on stdout");
    cmd->callback([&exit_code, cmd] {
        args.quiet = cmd->get_parent()->get_option("--quiet")->as<bool>();
        exit_code = run_encode(args);
    });
}

}  // namespace nvcast::cli
