// `nvcast capture INPUT --publish NAME`: the capture process of a split deployment. It reads the
// input straight into a shared frame ring (include/nvcast/ipc.h) that an `encode` or `stream`
// process opens as the input ipc:NAME, and prints what it published, to whom, and what it dropped.
#include <chrono>
#include <cstdio>
#include <thread>

#include "commands.h"
#include "encoder_options.h"
#include "interrupt.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/log.h"
#include "nvcast/settings.h"

namespace nvcast::cli {
namespace {

struct CaptureArgs {
    InputSettings input;
    std::string publish;
    int slots = 8;
    bool drop_when_behind = false;
    bool realtime = false;
    bool quiet = false;
};

int run_capture(const CaptureArgs& args) {
    ipc::check_channel_name(args.publish);
    InterruptGuard guard;
    auto source = open_input(args.input);
    ipc::PublisherConfig config;
    config.name = args.publish;
    config.slots = args.slots;
    config.drop_when_behind = args.drop_when_behind || source->info().live;
    ipc::FramePublisher publisher(config, source->info());
    log(LogLevel::Info, "publishing " + args.input.input + " as ipc:" + args.publish +
                            (config.drop_when_behind ? " (live: frames nobody takes are dropped)"
                                                     : " (waiting for a subscriber; no frame is dropped)"));
    // Ctrl-C while waiting for a subscriber or a slot (or a live input) ends the wait.
    InterruptForwarder forward_interrupt([&] {
        publisher.interrupt();
        source->interrupt();
    });
    int64_t frames = 0;
    const auto start = std::chrono::steady_clock::now();
    const SourceInfo& info = source->info();
    try {
        while (!interrupted() && (args.input.frames < 0 || frames < args.input.frames)) {
            Frame& buffer = publisher.next_buffer();
            if (!source->read(buffer)) break;
            if (args.realtime)  // publish frame N at N / fps seconds, like a camera would
                std::this_thread::sleep_until(start + std::chrono::duration<double>(static_cast<double>(frames) *
                                                                                    info.fps_den / info.fps_num));
            publisher.publish(buffer);
            ++frames;
        }
    } catch (const Error&) {
        if (!interrupted()) throw;
    }
    publisher.finish();
    std::fprintf(stderr, "%s%s\n", publisher.summary().c_str(),
                 interrupted() ? (std::string("; interrupted by ") + interrupt_name()).c_str() : "");
    return interrupted() ? interrupt_exit_code() : 0;
}

}  // namespace

void add_capture_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("capture", "Read an input and publish its frames to other nvcast processes");
    cmd->footer(
        "\nThe frames go through shared memory, without copies; another process takes them as the input\n"
        "ipc:NAME, one subscriber at a time. Either side may be restarted: the other waits for it.\n"
        "Examples:\n"
        "  nvcast capture v4l2:/dev/video0 --publish cam0 &\n"
        "  nvcast encode ipc:cam0 -o cam0.mp4\n"
        "  nvcast stream ipc:cam0 --whep :8080");
    static CaptureArgs args;
    add_input_options(*cmd, args.input);
    cmd->add_option("--publish", args.publish, "Channel name subscribers open as ipc:NAME (A-Z a-z 0-9 . _ -)")
        ->required();
    cmd->add_option("--slots", args.slots, "Frame buffers in the shared ring")->capture_default_str()->check(CLI::Range(ipc::kMinFrameSlots, ipc::kMaxFrameSlots));
    cmd->add_flag("--realtime", args.realtime, "Publish at the input's frame rate (a file or synthetic input as a camera)");
    cmd->add_flag("--drop-when-behind", args.drop_when_behind,
                  "Never wait for the subscriber: drop (and count) frames it cannot take (always so for live inputs)");
    cmd->callback([&exit_code, cmd] {
        args.quiet = cmd->get_parent()->get_option("--quiet")->as<bool>();
        exit_code = run_capture(args);
    });
}

}  // namespace nvcast::cli
