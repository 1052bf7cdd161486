#include "network_outputs.h"

#include "nvcast/error.h"
#include "nvcast/webrtc.h"
#include "option_checks.h"

namespace nvcast::cli {

void add_network_output_options(CLI::App& cmd, NetworkOutputArgs& args) {
    cmd.add_option("--to", args.to, "Destination rtp://host:port (IPv6: rtp://[addr]:port)");
    cmd.add_option("--whep", args.whep,
                   "Serve the stream to browsers over WebRTC: a WHEP endpoint and player page at [HOST]:PORT "
                   "(e.g. :8080 or 127.0.0.1:8080; port 0 picks one)");
    cmd.add_option("--whep-token", args.whep_token, "Bearer token viewers must send to the WHEP endpoint");
    cmd.add_option("--max-viewers", args.max_viewers, "WebRTC viewers at once (more get 503)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    cmd.add_option("--sdp", args.sdp, "Write an SDP file describing the stream (for ffplay/VLC/GStreamer)");
    cmd.add_option("--srtp", args.srtp_key,
                   "Encrypt with SRTP (AES_CM_128_HMAC_SHA1_80); key = 40 base64 chars or 60 hex digits");
    cmd.add_flag("--srtp-generate", args.srtp_generate, "Encrypt with SRTP using a freshly generated key");
    cmd.add_option("--mtu", args.mtu, "Maximum RTP payload bytes per packet")->capture_default_str();
    cmd.add_option("--pt", args.payload_type, "RTP payload type (96..127)")->capture_default_str();
    cmd.add_option("--pacing", args.pacing,
                   "Send-rate cap for pacing a frame's packets: bits/s (e.g. 50M), 'auto' (4x bitrate, >= 20M) or 'off'")
        ->capture_default_str();
    cmd.add_option("--loss", args.loss,
                   "Simulate sender-side packet loss with this probability (0..0.5), e.g. to watch NACK "
                   "retransmission and keyframe requests work")
        ->check(finite_in(0, 0.5));
    cmd.add_option("--loss-seed", args.loss_seed, "Seed of the simulated loss (the same seed repeats a run)");
}

std::vector<OutputSettings> network_outputs(const NetworkOutputArgs& args) {
    if (!args.srtp_key.empty() && args.srtp_generate)
        throw Error(ErrorCode::InvalidArgument, "give either --srtp KEY or --srtp-generate, not both");
    if (args.to.empty() && args.whep.empty())
        throw Error(ErrorCode::InvalidArgument, "give a destination: --to rtp://host:port, --whep [HOST]:PORT, or both");
    if (args.to.empty() && (!args.sdp.empty() || !args.srtp_key.empty() || args.srtp_generate))
        throw Error(ErrorCode::InvalidArgument, "--sdp and --srtp are for --to (WebRTC negotiates its own keys)");
    std::vector<OutputSettings> outputs;
    if (!args.to.empty()) {
        // --to takes host:port too; the sink wants a URL.
        const rtp::Endpoint destination = rtp::parse_url(args.to);
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
        outputs.push_back(out);
    }
    if (!args.whep.empty()) {
        OutputSettings out;
        out.target = webrtc::is_whep_url(args.whep) ? args.whep : "whep://" + args.whep;
        out.mtu = args.mtu;
        out.loss = args.loss;
        out.loss_seed = args.loss_seed;
        outputs.push_back(out);
    }
    return outputs;
}

void apply_network_options(const NetworkOutputArgs& args, std::vector<SinkSpec>& sinks) {
    for (SinkSpec& sink : sinks) {
        if (!webrtc::is_whep_url(sink.target)) continue;
        if (!args.whep_token.empty()) sink.whep.token = args.whep_token;
        sink.whep.max_viewers = args.max_viewers;
    }
}

}  // namespace nvcast::cli
