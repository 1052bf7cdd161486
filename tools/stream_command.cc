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
    std::string to;
    std::string whep;          // [HOST]:PORT or whep://HOST:PORT
    std::string whep_token;
    size_t max_viewers = 16;
    std::string sdp;
    std::string srtp_key;
    bool srtp_generate = false;
    bool print_key = false;
    bool fast = false;
    bool sdp_only = false;
    double start_delay_s = 0;
    int mtu = static_cast<int>(rtp::kDefaultMaxPayload);
    int payload_type = 96;
    std::string pacing = "auto";
    double loss = 0;
    int64_t loss_seed = 1;
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
    if (!args.srtp_key.empty() && args.srtp_generate)
        throw Error(ErrorCode::InvalidArgument, "give either --srtp KEY or --srtp-generate, not both");
    if (args.sdp_only && args.sdp.empty()) throw Error(ErrorCode::InvalidArgument, "--sdp-only needs --sdp FILE");
    if (args.to.empty() && args.whep.empty())
        throw Error(ErrorCode::InvalidArgument, "give a destination: --to rtp://host:port, --whep [HOST]:PORT, or both");
    if (args.to.empty() && (!args.sdp.empty() || !args.srtp_key.empty() || args.srtp_generate))
        throw Error(ErrorCode::InvalidArgument, "--sdp and --srtp are for --to (WebRTC negotiates its own keys)");
    StreamSettings settings;
    rtp::Endpoint destination;
    if (!args.to.empty()) {
        // --to takes host:port too; the pipeline's sink wants a URL.
        destination = rtp::parse_url(args.to);
        const bool v6 = destination.host.find(':') != std::string::npos;
        OutputSettings out;
        out.target = "rtp://" + (v6 ? "[" + destination.host + "]" : destination.host) + ":" +
                     std::to_string(destination.port);
        out.sdp = args.sdp;
        out.srtp = args.srtp_generate ? "generate" : args.srtp_key;
        out.mtu = args.mtu;
        out.pt = args.payload_type;
        out.pacing = args.pacing;
        out.loss = args.loss;
        out.loss_seed = args.loss_seed;
        settings.outputs.push_back(out);
    }
    if (!args.whep.empty()) {
        OutputSettings out;
        out.target = webrtc::is_whep_url(args.whep) ? args.whep : "whep://" + args.whep;
        out.mtu = args.mtu;
        out.loss = args.loss;
        out.loss_seed = args.loss_seed;
        settings.outputs.push_back(out);
    }
    settings.name = args.to.empty() ? "webrtc" : args.to;
    settings.input = args.input;
    settings.prepare = args.prepare;
    settings.encoder = args.encoder;
    settings.realtime = !args.fast;
    PipelineConfig pc;
    pc.streams.push_back(make_stream_spec(settings));
    for (SinkSpec& sink : pc.streams[0].sinks) {
        if (!webrtc::is_whep_url(sink.target)) continue;
        if (!args.whep_token.empty()) sink.whep.token = args.whep_token;
        sink.whep.max_viewers = args.max_viewers;
    }
    const std::optional<rtp::SrtpKey> key = pc.streams[0].sinks[0].rtp.sender.srtp;
    const Codec codec = pc.streams[0].encoder.codec;
    Pipeline pipeline(std::move(pc));  // resolves the host, opens the socket, writes the SDP
    log(LogLevel::Info, pipeline.stats().front().selection);
    if (key && args.print_key) std::printf("SRTP key (AES_CM_128_HMAC_SHA1_80): %s\n", key->base64().c_str());
    std::fflush(stdout);
    if (args.sdp_only) return 0;
    if (!args.to.empty())
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
    cmd->add_option("--to", args.to, "Destination rtp://host:port (IPv6: rtp://[addr]:port)");
    cmd->add_option("--whep", args.whep,
                    "Serve the stream to browsers over WebRTC: a WHEP endpoint and player page at [HOST]:PORT "
                    "(e.g. :8080 or 127.0.0.1:8080; port 0 picks one)");
    cmd->add_option("--whep-token", args.whep_token, "Bearer token viewers must send to the WHEP endpoint");
    cmd->add_option("--max-viewers", args.max_viewers, "WebRTC viewers at once (more get 503)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    cmd->add_option("--sdp", args.sdp, "Write an SDP file describing the stream (for ffplay/VLC/GStreamer)");
    cmd->add_option("--srtp", args.srtp_key,
                    "Encrypt with SRTP (AES_CM_128_HMAC_SHA1_80); key = 40 base64 chars or 60 hex digits");
    cmd->add_flag("--srtp-generate", args.srtp_generate, "Encrypt with SRTP using a freshly generated key");
    cmd->add_flag("--print-key", args.print_key, "Print the SRTP key on stdout");
    cmd->add_flag("--sdp-only", args.sdp_only, "Write the SDP file and exit (start the receiver, then stream)");
    cmd->add_option("--start-delay", args.start_delay_s, "Seconds to wait after writing the SDP before sending")
        ->check(finite_in(0, 3600));
    cmd->add_flag("--fast", args.fast, "Send as fast as the encoder goes instead of at the frame rate");
    cmd->add_option("--mtu", args.mtu, "Maximum RTP payload bytes per packet")->capture_default_str();
    cmd->add_option("--pt", args.payload_type, "RTP payload type (96..127)")->capture_default_str();
    cmd->add_option("--pacing", args.pacing,
                    "Send-rate cap for pacing a frame's packets: bits/s (e.g. 50M), 'auto' (4x bitrate, >= 20M) or 'off'")
        ->capture_default_str();
    cmd->add_option("--loss", args.loss,
                    "Simulate sender-side packet loss with this probability (0..0.5), e.g. to watch NACK "
                    "retransmission and keyframe requests work")
        ->check(finite_in(0, 0.5));
    cmd->add_option("--loss-seed", args.loss_seed, "Seed of the simulated loss (the same seed repeats a run)");
    cmd->callback([&exit_code, cmd] {
        args.quiet = cmd->get_parent()->get_option("--quiet")->as<bool>();
        // Browsers decode WebRTC in arrival order: without a --tune of the user's, a stream with
        // viewers gets the low-latency structure (no reordering, no hidden frames).
        if (!args.whep.empty() && cmd->count("--tune") == 0) args.encoder.tune = "ll";
        exit_code = run_stream(args);
    });
}

}  // namespace nvcast::cli
