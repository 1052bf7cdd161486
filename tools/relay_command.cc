// `nvcast relay ipc:NAME --to … / --whep … / -o FILE`: the network process of a split deployment.
// It takes the encoded stream an encode process publishes (its output ipc:NAME), sends it over
// RTP and/or to WebRTC viewers (and files), and passes the receivers' keyframe requests and
// bitrate estimates back to the encoder.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "commands.h"
#include "interrupt.h"
#include "network_outputs.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/log.h"
#include "nvcast/pipeline.h"
#include "nvcast/settings.h"
#include "nvcast/webrtc.h"
#include "option_checks.h"

namespace nvcast::cli {
namespace {

struct RelayArgs {
    std::string input;  // ipc:NAME
    NetworkOutputArgs net;
    std::vector<std::string> files;
    double timeout = 10;
};

int run_relay(const RelayArgs& args) {
    if (!args.input.starts_with("ipc:"))
        throw Error(ErrorCode::InvalidArgument, "relay takes an encoded stream another process publishes: ipc:NAME, not '" +
                                                    args.input + "'");
    std::vector<OutputSettings> outputs;
    if (!args.net.to.empty() || !args.net.whep.empty()) outputs = network_outputs(args.net);
    for (const std::string& f : args.files) outputs.push_back(output_to(f));
    if (outputs.empty()) throw Error(ErrorCode::InvalidArgument, "give an output: --to rtp://host:port, --whep [HOST]:PORT or -o FILE");
    // Ctrl-C before the encoder is found simply ends the process (nothing to finish yet).
    auto source = ipc::open_packet_subscriber(args.input.substr(4), args.timeout);
    InterruptGuard guard;
    const StreamInfo& info = source->info();
    EncoderConfig config;
    config.codec = info.codec;
    config.width = info.width;
    config.height = info.height;
    config.fps_num = info.fps_num;
    config.fps_den = info.fps_den;
    config.rc.bitrate = source->bitrate();
    std::atomic<int64_t> keyframe_requests{0}, bitrate_requests{0};
    ReceiverRequests requests;
    requests.keyframe = [&] {
        ++keyframe_requests;
        source->request_keyframe();
    };
    requests.bitrate = [&](int64_t bps) {
        ++bitrate_requests;
        source->request_bitrate(bps);
    };
    std::vector<SinkSpec> specs;
    for (const OutputSettings& o : outputs) specs.push_back(make_sink_spec(o));
    apply_network_options(args.net, specs);
    std::vector<std::shared_ptr<PacketSink>> sinks;
    for (const SinkSpec& spec : specs) {
        sinks.push_back(open_output(spec, info, config, requests));
        if (const auto* whep = dynamic_cast<const webrtc::WhepSink*>(sinks.back().get())) {
            std::printf("WebRTC: watch at %s (WHEP endpoint %swhep)\n", whep->url().c_str(), whep->url().c_str());
            std::fflush(stdout);
        }
    }
    log(LogLevel::Info, "relaying " + std::string(to_string(info.codec)) + " " + std::to_string(info.width) + "x" +
                            std::to_string(info.height) + " from " + args.input + " to " + std::to_string(sinks.size()) +
                            " output(s)");
    InterruptForwarder forward_interrupt([&] { source->interrupt(); });
    int64_t packets = 0, bytes = 0;
    Packet packet;
    try {
        while (source->read(packet)) {
            for (const auto& sink : sinks) sink->write(packet);
            ++packets;
            bytes += static_cast<int64_t>(packet.size());
        }
    } catch (const Error&) {
        if (!interrupted()) throw;  // interrupted while waiting for a restarted encoder: finish cleanly
    }
    for (const auto& sink : sinks) sink->close();
    std::printf("relayed %lld packets (%lld bytes) from %s to %zu output(s); passed back %lld keyframe requests and "
                "%lld bitrate estimates%s\n",
                static_cast<long long>(packets), static_cast<long long>(bytes), args.input.c_str(), sinks.size(),
                static_cast<long long>(keyframe_requests.load()), static_cast<long long>(bitrate_requests.load()),
                interrupted() ? (std::string("; interrupted by ") + interrupt_name()).c_str() : "");
    return interrupted() ? interrupt_exit_code() : 0;
}

}  // namespace

void add_relay_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("relay", "Send an encoded stream another nvcast process publishes over RTP/WebRTC");
    cmd->footer(
        "\nThe network process of a split deployment: the encoder publishes with the output ipc:NAME,\n"
        "relay sends it on and passes keyframe requests and bitrate estimates back. Either side may\n"
        "be restarted: relay waits --timeout seconds for the encoder to come back.\n"
        "Examples:\n"
        "  nvcast capture v4l2:/dev/video0 --publish cam0 &\n"
        "  nvcast encode ipc:cam0 --tune ll -o ipc:cam0-h264 &\n"
        "  nvcast relay ipc:cam0-h264 --whep :8080");
    static RelayArgs args;
    cmd->add_option("input", args.input, "The published stream, ipc:NAME")->required();
    add_network_output_options(*cmd, args.net);
    cmd->add_option("-o,--output", args.files, "Also write the stream to a file (repeatable)");
    cmd->add_option("--timeout", args.timeout, "Seconds to wait for the encoder (at the start and after losing it)")
        ->capture_default_str()->check(finite_in(0.001, 3600));
    cmd->callback([&exit_code] { exit_code = run_relay(args); });
}

}  // namespace nvcast::cli
