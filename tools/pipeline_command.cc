// `nvcast pipeline`: N streams at once, from a TOML file or the shorthand
// `--streams N INPUT -o 'out{n}.mp4'` (the same options for every stream; {n} = 1..N).
#include <cstdio>
#include <string>

#include "commands.h"
#include "encoder_options.h"
#include "interrupt.h"
#include "nvcast/pipeline.h"
#include "nvcast/settings.h"
#include "option_checks.h"
#include "pipeline_view.h"
#include "prepare_options.h"
#include "split_pipeline.h"

namespace nvcast::cli {
namespace {

struct PipelineArgs {
    InputSettings input;  // with --streams: the input of every stream; else the pipeline file
    PrepareSettings prepare;
    EncodeOptions encoder;
    std::vector<std::string> outputs;
    int streams = 0;
    std::string drop = "auto";
    int queue = 4;
    bool realtime = false;
    bool stop_all_on_failure = false;
    bool split = false;
    bool json = false;
    bool quiet = false;
};

std::string with_index(std::string text, int n) {
    for (size_t at = text.find("{n}"); at != std::string::npos; at = text.find("{n}", at))
        text.replace(at, 3, std::to_string(n));
    return text;
}

PipelineConfig shorthand(const PipelineArgs& args) {
    if (args.outputs.empty()) throw Error(ErrorCode::InvalidArgument, "--streams needs at least one -o OUTPUT");
    for (const std::string& o : args.outputs)
        if (args.streams > 1 && o.find("{n}") == std::string::npos)
            throw Error(ErrorCode::InvalidArgument, "-o '" + o + "' needs {n} (the stream number) with --streams " +
                                                        std::to_string(args.streams) + ", or every stream writes one file");
    PipelineConfig config;
    config.stop_all_on_failure = args.stop_all_on_failure;
    for (int n = 1; n <= args.streams; ++n) {
        StreamSettings s;
        s.name = "stream " + std::to_string(n);
        s.input = args.input;
        s.input.input = with_index(args.input.input, n);
        s.prepare = args.prepare;
        s.encoder = args.encoder;
        for (const std::string& o : args.outputs) s.outputs.push_back(output_to(with_index(o, n)));
        s.drop = args.drop;
        s.queue = args.queue;
        s.realtime = args.realtime;
        try {
            config.streams.push_back(make_stream_spec(s));
        } catch (const Error& e) {
            throw Error(e.code(), "stream '" + s.name + "': " + e.what());
        }
    }
    return config;
}

int run_pipeline(const PipelineArgs& args) {
    if (args.split) {
        if (args.streams > 0 || args.json)
            throw Error(ErrorCode::InvalidArgument, "--split runs a pipeline file (not --streams, not --json)");
        PipelineSettings settings = load_pipeline_settings(args.input.input);
        SplitOptions options;
        options.quiet = args.quiet;
        return run_split_pipeline(std::move(settings), args.input.input, options);
    }
    PipelineConfig config = args.streams > 0 ? shorthand(args) : load_pipeline_file(args.input.input);
    Pipeline pipeline(std::move(config));
    for (const StreamStats& s : pipeline.stats())
        log(LogLevel::Info, s.name + ": " + s.selection + (s.gpu >= 0 ? ", GPU " + std::to_string(s.gpu) : ""));
    StreamTable table(!args.quiet && !args.json);
    const Snapshot end = run_to_end(pipeline, [&](const Snapshot& now) { table.draw(now); });
    table.draw(end);
    table.finish();
    bool failed = false;
#ifdef NVCAST_HAVE_JSON
    if (args.json) {
        nlohmann::json all = nlohmann::json::array();
        for (const StreamStats& s : end) all.push_back(to_json(s));
        std::printf("%s\n", nlohmann::json{{"streams", all}}.dump(2).c_str());
    }
#endif
    for (const StreamStats& s : end) {
        failed = failed || s.state == StreamState::Failed;
        if (!args.json) std::printf("%s\n", summary_line(s).c_str());
    }
    if (interrupted()) {
        if (!args.json)
            std::printf("interrupted by %s: every stream stopped reading; what was read was encoded and written\n",
                        interrupt_name());
        return interrupt_exit_code();
    }
    return failed ? 1 : 0;
}

}  // namespace

void add_pipeline_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("pipeline", "Run several streams at once, from a TOML file or --streams N");
    cmd->footer(
        "\nExamples:\n"
        "  nvcast pipeline cameras.toml\n"
        "  nvcast pipeline --streams 4 synthetic:1280x720@30:300 -c h264 -o 'cam{n}.mp4'\n"
        "  nvcast pipeline --streams 2 synthetic:640x360@30 --realtime --drop drop-oldest -o 'rtp://127.0.0.1:500{n}0'\n"
        "A pipeline file has optional [defaults] and one [[stream]] table per stream, with the\n"
        "options of `nvcast encode` as keys; see docs/pipeline.md.");
    static PipelineArgs args;
    add_input_options(*cmd, args.input);
    add_encoder_options(*cmd, args.encoder);
    add_prepare_options(*cmd, args.prepare);
    cmd->add_option("--streams", args.streams, "Run N streams of INPUT with the same options ({n} in names = 1..N)")
        ->check(integer_in(1, 256));
    cmd->add_option("-o,--output", args.outputs, "With --streams: an output per stream (repeatable; {n} = stream number)");
    cmd->add_option("--drop", args.drop, "When an encoder falls behind: auto (block for files, drop-oldest for cameras, screens and network inputs), block, drop-oldest")
        ->capture_default_str();
    cmd->add_option("--queue", args.queue, "Frames queued between source and encoder")
        ->check(integer_in(1, 256))
        ->capture_default_str();
    cmd->add_flag("--realtime", args.realtime, "Read sources at their frame rate, as live sources deliver");
    cmd->add_flag("--stop-all-on-failure", args.stop_all_on_failure, "One stream failing stops the others");
    cmd->add_flag("--split", args.split,
                  "Run each stream's input in a capture process and its network outputs in a relay process "
                  "(restarted when they die), encoding in this one (docs/split.md)");
    cmd->add_flag("--json", args.json, "Print every stream's summary as JSON on stdout");
    cmd->callback([&exit_code, cmd] {
        args.quiet = cmd->get_parent()->get_option("--quiet")->as<bool>();
        exit_code = run_pipeline(args);
    });
}

}  // namespace nvcast::cli
