// `nvcast stream`: input -> encoder -> RTP payloader -> paced UDP (optionally SRTP), with
// RTCP sender reports, an SDP file for standard players and a live stats line.
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

namespace nvcast::cli {
namespace {

struct StreamArgs {
    InputOptions input;
    EncodeOptions encoder;
    std::string to;
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
    bool quiet = false;
};

using Clock = std::chrono::steady_clock;

int64_t pacing_rate(const StreamArgs& args, const EncoderConfig& config) {
    if (args.pacing == "off" || args.pacing == "0") return 0;
    if (args.pacing == "auto") {
        // Spread each frame but keep up with keyframes: 4x the target rate, at least 20 Mbit/s.
        return std::max<int64_t>(20'000'000, 4 * std::max(config.rc.bitrate, config.rc.max_bitrate));
    }
    return parse_bitrate(args.pacing);
}

void print_stats(const rtp::SenderStats& s, int64_t frames, double seconds, double payload_bits, bool final_line) {
    const double fps = seconds > 0 ? static_cast<double>(frames) / seconds : 0;
    const double kbps = seconds > 0 ? payload_bits / seconds / 1000 : 0;
    std::fprintf(stderr, "%sframe %lld  %.1f fps  %.0f kbit/s  packets %llu  queue %zu pkts  latency %.2f ms (max %.2f)%s",
                 final_line ? "" : "\r", static_cast<long long>(frames), fps, kbps,
                 static_cast<unsigned long long>(s.packets), s.queued_packets, s.last_frame_latency_ms,
                 s.max_frame_latency_ms, final_line ? "\n" : "   ");
    std::fflush(stderr);
}

int run_stream(const StreamArgs& args) {
    // Everything about the destination is checked before the encoder starts.
    const rtp::Endpoint destination = rtp::parse_url(args.to);
    if (args.mtu < static_cast<int>(rtp::kMinMaxPayload) || args.mtu > static_cast<int>(rtp::kMaxMaxPayload))
        throw Error(ErrorCode::InvalidArgument, "--mtu " + std::to_string(args.mtu) + " is out of range (" +
                                                    std::to_string(rtp::kMinMaxPayload) + ".." +
                                                    std::to_string(rtp::kMaxMaxPayload) + " payload bytes)");
    if (args.payload_type < 96 || args.payload_type > 127)
        throw Error(ErrorCode::InvalidArgument,
                    "--pt " + std::to_string(args.payload_type) + " is out of range (dynamic types 96..127)");
    std::optional<rtp::SrtpKey> key;
    if (!args.srtp_key.empty() && args.srtp_generate)
        throw Error(ErrorCode::InvalidArgument, "give either --srtp KEY or --srtp-generate, not both");
    if (!args.srtp_key.empty() || args.srtp_generate) {
        if (!rtp::srtp_supported())
            throw Error(ErrorCode::Unsupported, "SRTP needs libsrtp2, which this build of nvcast lacks");
        key = args.srtp_generate ? rtp::SrtpKey::generate() : rtp::SrtpKey::parse(args.srtp_key);
    }

    auto source = open_input(args.input);
    const EncoderConfig config = make_config(args.encoder, source->info());

    rtp::SenderConfig sc;
    sc.destination = destination;
    sc.srtp = key;
    sc.pacing_rate = pacing_rate(args, config);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    sc.cname = std::string("nvcast@") + host;
    rtp::UdpSender sender(sc);  // resolves the host: an unknown one fails here

    OpenedEncoder opened = open_encoder(args.encoder.backend, config);
    Encoder& encoder = *opened.encoder;
    log(LogLevel::Info, opened.selection);
    const std::vector<uint8_t> headers = encoder.codec_headers();

    rtp::PayloaderConfig pc;
    pc.codec = config.codec;
    pc.max_payload = static_cast<size_t>(args.mtu);
    pc.payload_type = static_cast<uint8_t>(args.payload_type);
    pc.codec_headers = headers;
    auto payloader = rtp::Payloader::create(pc);

    if (!args.sdp.empty()) {
        rtp::SdpConfig sdp;
        sdp.codec = config.codec;
        sdp.address = sender.resolved_address();
        sdp.port = destination.port;
        sdp.payload_type = pc.payload_type;
        sdp.codec_headers = headers;
        sdp.width = config.width;
        sdp.height = config.height;
        sdp.fps_num = config.fps_num;
        sdp.fps_den = config.fps_den;
        sdp.srtp = key;
        rtp::write_sdp_file(args.sdp, rtp::make_sdp(sdp));
        log(LogLevel::Info, "wrote SDP to " + args.sdp + (key ? " (it contains the SRTP key; mode 0600)" : ""));
    }
    if (args.sdp_only) {
        if (args.sdp.empty()) throw Error(ErrorCode::InvalidArgument, "--sdp-only needs --sdp FILE");
        if (key && args.print_key) std::printf("SRTP key (AES_CM_128_HMAC_SHA1_80): %s\n", key->base64().c_str());
        return 0;
    }
    if (key && args.print_key) std::printf("SRTP key (AES_CM_128_HMAC_SHA1_80): %s\n", key->base64().c_str());
    std::fflush(stdout);
    log(LogLevel::Info, "streaming " + std::string(to_string(config.codec)) + " to " + sender.resolved_address() +
                            ":" + std::to_string(destination.port) + (key ? " (SRTP)" : "") +
                            (args.fast ? ", as fast as possible" : ", real time"));

    if (args.start_delay_s > 0)
        std::this_thread::sleep_for(std::chrono::duration<double>(args.start_delay_s));
    const uint32_t ts_base = payloader->ssrc() ^ 0x5a5a5a5a;  // any start value; RFC 3550 wants it random
    int64_t frames = 0, sent_frames = 0;
    double payload_bits = 0;
    const bool show = !args.quiet && ::isatty(2);
    const auto start = Clock::now();
    auto last_stats = start;
    auto drain = [&] {
        while (auto packet = encoder.receive_packet()) {
            const uint32_t ts = rtp::timestamp_from_pts(packet->pts, config.fps_num, config.fps_den, ts_base);
            sender.send(payloader->packetize(packet->data, ts, packet->keyframe));
            payload_bits += static_cast<double>(packet->size()) * 8;
            ++sent_frames;
        }
        if (show && Clock::now() - last_stats > std::chrono::milliseconds(500)) {
            last_stats = Clock::now();
            print_stats(sender.stats(), sent_frames, std::chrono::duration<double>(last_stats - start).count(),
                        payload_bits, false);
        }
    };
    const auto frame_period = std::chrono::duration<double>(static_cast<double>(config.fps_den) / config.fps_num);
    const InterruptGuard guard;
    Frame frame;
    while ((args.input.frames < 0 || frames < args.input.frames) && !interrupted() && source->read(frame)) {
        if (!args.fast)
            std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(frame_period * frames));
        encoder.send_frame(frame);
        ++frames;
        drain();
    }
    encoder.flush();
    drain();
    sender.flush();
    if (frames == 0) throw Error(ErrorCode::InvalidData, "the input has no frames");
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const auto stats = sender.stats();
    if (show) std::fprintf(stderr, "\n");
    if (!args.quiet) print_stats(stats, sent_frames, seconds, payload_bits, true);
    std::printf("streamed %lld frames in %.2f s: %llu RTP packets, %llu bytes, %llu RTCP reports, %llu send errors, "
                "mean latency %.3f ms, max %.3f ms\n",
                static_cast<long long>(sent_frames), seconds, static_cast<unsigned long long>(stats.packets),
                static_cast<unsigned long long>(stats.bytes), static_cast<unsigned long long>(stats.rtcp_reports),
                static_cast<unsigned long long>(stats.send_errors), stats.mean_frame_latency_ms,
                stats.max_frame_latency_ms);
    if (interrupted()) {
        std::printf("interrupted by %s: every frame read was encoded and sent\n", interrupt_name());
        return interrupt_exit_code();
    }
    return stats.send_errors > 0 && stats.packets == 0 ? 1 : 0;
}

}  // namespace

void add_stream_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("stream", "Encode and stream over RTP/UDP (H.264, HEVC, AV1), optionally SRTP");
    cmd->footer(
        "\nExamples:\n"
        "  nvcast stream synthetic:1280x720@30:300 --to rtp://127.0.0.1:5004 --sdp out.sdp\n"
        "  ffplay -protocol_whitelist file,udp,rtp out.sdp     (start the player first)\n"
        "  nvcast stream in.y4m -c hevc --rc cbr --bitrate 4M --to rtp://[::1]:6000 --srtp-generate --sdp s.sdp\n"
        "The SDP file carries the SRTP key when SRTP is on; the key is printed only with --print-key.");
    static StreamArgs args;
    add_input_options(*cmd, args.input);
    add_encoder_options(*cmd, args.encoder);
    cmd->add_option("--to", args.to, "Destination rtp://host:port (IPv6: rtp://[addr]:port)")->required();
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
    cmd->callback([&exit_code, cmd] {
        args.quiet = cmd->get_parent()->get_option("--quiet")->as<bool>();
        exit_code = run_stream(args);
    });
}

}  // namespace nvcast::cli
