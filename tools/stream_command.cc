// `nvcast stream`: input -> encoder -> RTP payloader -> paced UDP (optionally SRTP), with
// RTCP sender reports, an SDP file for standard players and a live stats line.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <unistd.h>

#include "commands.h"
#include "option_checks.h"
#include "encoder_options.h"
#include "interrupt.h"
#include "network_outputs.h"
#include "nvcast/rtp.h"
#include "nvcast/sdp.h"
#include "nvcast/stream.h"
#include "nvcast/pipeline.h"
#include "nvcast/settings.h"
#include "nvcast/webrtc.h"
#include "pipeline_view.h"
#include "prepare_options.h"

namespace nvcast::cli {
namespace {

struct StreamArgs {
    InputSettings input;
    PrepareSettings prepare;
    EncodeOptions encoder;
    NetworkOutputArgs net;
    bool print_key = false;
    bool fast = false;
    bool sdp_only = false;
    double start_delay_s = 0;
    bool quiet = false;
};

// The RTP output's sender, or the WebRTC viewers' together.
rtp::SenderStats network_stats(const StreamStats& s) {
    rtp::SenderStats sum;
    for (const SinkStats& k : s.sinks) {
        if (k.network) return *k.network;
        for (const auto& v : k.viewers) {
            sum.packets += v.network.packets;
            sum.bytes += v.network.bytes;
            sum.rtcp_reports += v.network.rtcp_reports;
            sum.send_errors += v.network.send_errors;
            sum.nacked += v.network.nacked;
            sum.retransmitted += v.network.retransmitted;
            sum.keyframe_requests += v.network.keyframe_requests;
            sum.queued_packets += v.network.queued_packets;
            sum.last_frame_latency_ms = std::max(sum.last_frame_latency_ms, v.network.last_frame_latency_ms);
            sum.max_frame_latency_ms = std::max(sum.max_frame_latency_ms, v.network.max_frame_latency_ms);
            sum.mean_frame_latency_ms = std::max(sum.mean_frame_latency_ms, v.network.mean_frame_latency_ms);
        }
    }
    return sum;
}

void print_stats(const StreamStats& s, bool final_line) {
    const rtp::SenderStats net = network_stats(s);
    std::fprintf(stderr, "%sframe %lld  %.1f fps  %.0f kbit/s  packets %llu  queue %zu pkts  latency %.2f ms (max %.2f)"
                         "  nack %llu rtx %llu  keyframe requests %llu%s",
                 final_line ? "" : "\r", static_cast<long long>(s.frames_encoded), s.fps(),
                 s.seconds > 0 ? static_cast<double>(s.bytes) * 8 / s.seconds / 1000 : 0,
                 static_cast<unsigned long long>(net.packets), net.queued_packets, net.last_frame_latency_ms,
                 net.max_frame_latency_ms, static_cast<unsigned long long>(net.nacked),
                 static_cast<unsigned long long>(net.retransmitted), static_cast<unsigned long long>(net.keyframe_requests),
                 final_line ? "\n" : "   ");
    std::fflush(stderr);
}

int run_stream(const StreamArgs& args) {
    // Everything about the destination is checked before the encoder starts.
    if (args.sdp_only && args.net.sdp.empty()) throw Error(ErrorCode::InvalidArgument, "--sdp-only needs --sdp FILE");
    StreamSettings settings;
    settings.outputs = network_outputs(args.net);
    rtp::Endpoint destination;
    if (!args.net.to.empty()) destination = rtp::parse_url(args.net.to);
    settings.name = args.net.to.empty() ? "webrtc" : args.net.to;
    settings.input = args.input;
    settings.prepare = args.prepare;
    settings.encoder = args.encoder;
    settings.realtime = !args.fast;
    PipelineConfig pc;
    pc.streams.push_back(make_stream_spec(settings));
    apply_network_options(args.net, pc.streams[0].sinks);
    const std::optional<rtp::SrtpKey> key = pc.streams[0].sinks[0].rtp.sender.srtp;
    const Codec codec = pc.streams[0].encoder.codec;
    Pipeline pipeline(std::move(pc));  // resolves the host, opens the socket, writes the SDP
    log(LogLevel::Info, pipeline.stats().front().selection);
    if (key && args.print_key) std::printf("SRTP key (AES_CM_128_HMAC_SHA1_80): %s\n", key->base64().c_str());
    std::fflush(stdout);
    if (args.sdp_only) return 0;
    if (!args.net.to.empty())
        log(LogLevel::Info, "streaming " + std::string(to_string(codec)) + " to " + destination.host + ":" +
                                std::to_string(destination.port) + (key ? " (SRTP)" : "") +
                                (args.fast ? ", as fast as possible" : ", real time"));
    const StreamStats opened = pipeline.stats().front();
    for (const SinkStats& k : opened.sinks) {
        if (k.watch_url.empty()) continue;
        std::printf("WebRTC: watch at %s (WHEP endpoint %swhep)\n", k.watch_url.c_str(), k.watch_url.c_str());
        std::fflush(stdout);
    }

    if (args.start_delay_s > 0)
        std::this_thread::sleep_for(std::chrono::duration<double>(args.start_delay_s));
    const bool show = !args.quiet && ::isatty(2);
    const Snapshot end = run_to_end(pipeline, [&](const Snapshot& now) {
        if (show) print_stats(now[0], false);
    });
    const StreamStats& s = end.front();
    if (show) std::fprintf(stderr, "\n");
    if (s.state == StreamState::Failed) throw Error(ErrorCode::EncoderFailure, s.error);
    if (!args.quiet) print_stats(s, true);
    const rtp::SenderStats net = network_stats(s);
    for (const SinkStats& k : s.sinks)
        for (const auto& v : k.viewers)
            std::printf("viewer %s %s: %s, %llu frames, %llu packets, %llu retransmitted, %llu keyframe requests, "
                        "%llu bitrate estimates, %llu lost on purpose, keyframe %lld frames after a request%s%s\n",
                        v.id.c_str(), v.address.empty() ? "(no ICE)" : v.address.c_str(), v.codec.c_str(),
                        static_cast<unsigned long long>(v.frames), static_cast<unsigned long long>(v.network.packets),
                        static_cast<unsigned long long>(v.network.retransmitted),
                        static_cast<unsigned long long>(v.network.keyframe_requests),
                        static_cast<unsigned long long>(v.network.bitrate_estimates),
                        static_cast<unsigned long long>(v.network.simulated_losses),
                        static_cast<long long>(v.max_frames_to_keyframe), v.ended.empty() ? "" : "; ended: ",
                        v.ended.c_str());
    std::printf("streamed %lld frames in %.2f s: %llu RTP packets, %llu bytes, %llu RTCP reports, %llu send errors, "
                "mean latency %.3f ms, max %.3f ms\n",
                static_cast<long long>(s.frames_encoded), s.seconds, static_cast<unsigned long long>(net.packets),
                static_cast<unsigned long long>(net.bytes), static_cast<unsigned long long>(net.rtcp_reports),
                static_cast<unsigned long long>(net.send_errors), net.mean_frame_latency_ms, net.max_frame_latency_ms);
    if (!s.decoder.empty()) std::printf("input decoded: %s\n", s.decoder.c_str());
    if (!s.preparation.empty()) std::printf("frame preparation: %s\n", s.preparation.c_str());
    if (s.state == StreamState::Stopped) {
        std::printf("interrupted by %s: every frame read was encoded and sent\n", interrupt_name());
        return interrupt_exit_code();
    }
    return net.send_errors > 0 && net.packets == 0 ? 1 : 0;
}

}  // namespace

void add_stream_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("stream", "Encode and stream over RTP/UDP (H.264, HEVC, AV1), optionally SRTP");
    cmd->footer(
        "\nExamples:\n"
        "  nvcast stream synthetic:1280x720@30:300 --to rtp://127.0.0.1:5004 --sdp out.sdp\n"
        "  ffplay -protocol_whitelist file,udp,rtp out.sdp     (start the player first)\n"
        "  nvcast stream in.y4m -c hevc --rc cbr --bitrate 4M --to rtp://[::1]:6000 --srtp-generate --sdp s.sdp\n"
        "  nvcast stream in.mp4 --whep :8080        (then open http://localhost:8080/ in a browser)\n"
        "With --whep the encoder is tuned for low latency (--tune ll) unless --tune says otherwise.\n"
        "The SDP file carries the SRTP key when SRTP is on; the key is printed only with --print-key.");
    static StreamArgs args;
    add_input_options(*cmd, args.input);
    add_encoder_options(*cmd, args.encoder);
    add_prepare_options(*cmd, args.prepare);
    add_network_output_options(*cmd, args.net);
    cmd->add_flag("--print-key", args.print_key, "Print the SRTP key on stdout");
    cmd->add_flag("--sdp-only", args.sdp_only, "Write the SDP file and exit (start the receiver, then stream)");
    cmd->add_option("--start-delay", args.start_delay_s, "Seconds to wait after writing the SDP before sending")
        ->check(finite_in(0, 3600));
    cmd->add_flag("--fast", args.fast, "Send as fast as the encoder goes instead of at the frame rate");
    cmd->callback([&exit_code, cmd] {
        args.quiet = cmd->get_parent()->get_option("--quiet")->as<bool>();
        // Browsers decode WebRTC in arrival order: without a --tune of the user's, a stream with
        // viewers gets the low-latency structure (no reordering, no hidden frames).
        if (!args.net.whep.empty() && cmd->count("--tune") == 0) args.encoder.tune = "ll";
        exit_code = run_stream(args);
    });
}

}  // namespace nvcast::cli
