// `nvcast receive`: RTP/UDP (optionally SRTP) -> depayloader -> elementary stream file,
// reporting loss, reordering and incomplete frames.
#include <chrono>
#include <cstdio>
#include <string>

#include "commands.h"
#include "option_checks.h"
#include "interrupt.h"
#include "nvcast/nvcast.h"
#include "nvcast/rtp.h"
#include "nvcast/sdp.h"
#include "nvcast/stream.h"

namespace nvcast::cli {
namespace {

struct ReceiveArgs {
    std::string source;  // rtp://@:port, rtp://addr:port, or an .sdp file
    std::string output;
    std::string codec;
    std::string srtp_key;
    int payload_type = -1;
    double wait_s = 10;     // for the first packet
    double timeout_s = 2;   // idle time that ends the stream
    int64_t frames = -1;
    bool keep_damaged_gop = false;
    bool feedback = true;
    bool quiet = false;
};

int run_receive(const ReceiveArgs& args) {
    rtp::SdpSession session;
    rtp::Endpoint local;
    const bool from_sdp = args.source.size() > 4 && args.source.substr(args.source.size() - 4) == ".sdp";
    if (from_sdp) {
        session = rtp::read_sdp_file(args.source);  // listen on the SDP's port, any local address
        local.port = session.port;
    } else {
        local = rtp::parse_url(args.source, true);
    }
    if (!args.codec.empty()) session.codec = parse_codec(args.codec);
    if (!session.codec) throw Error(ErrorCode::InvalidArgument, "--codec is required (h264, hevc, av1) without an SDP file");
    if (args.payload_type >= 0) {
        if (args.payload_type > 127) throw Error(ErrorCode::InvalidArgument, "--pt is out of range (0..127)");
        session.payload_type = static_cast<uint8_t>(args.payload_type);
    }
    if (!args.srtp_key.empty()) session.srtp = rtp::SrtpKey::parse(args.srtp_key);
    if (session.srtp && !rtp::srtp_supported())
        throw Error(ErrorCode::Unsupported, "SRTP needs libsrtp2, which this build of nvcast lacks");
    if (args.wait_s <= 0 || args.timeout_s <= 0)
        throw Error(ErrorCode::InvalidArgument, "--wait and --timeout must be > 0 seconds");

    rtp::ReceiverConfig rc;
    rc.local = local;
    rc.srtp = session.srtp;
    rtp::UdpReceiver receiver(rc);
    rtp::DepayloaderConfig dc;
    dc.codec = *session.codec;
    dc.payload_type = session.payload_type;
    // With feedback a missing packet is asked for again and waited for (by time, LossRecovery), so
    // the window of packets held behind it is wide.
    if (args.feedback) dc.reorder_window = 1024;
    auto depayloader = rtp::Depayloader::create(dc);
    rtp::LossRecovery recovery;
    const uint32_t own_ssrc = 0x6e766373;  // "nvcs": the SSRC our feedback comes from
    int64_t keyframe_requests = 0;
    std::chrono::steady_clock::time_point last_keyframe_request{};

    StreamInfo info;
    info.codec = *session.codec;
    auto sink = open_sink(args.output, info);
    if (!args.quiet)
        std::fprintf(stderr, "listening on port %u for %s%s\n", receiver.port(), std::string(to_string(*session.codec)).c_str(),
                     session.srtp ? " (SRTP)" : "");

    int64_t written = 0, skipped = 0;
    bool waiting_for_key = true;  // never start (or resume after loss) on a frame that needs a missing reference
    bool got_any = false;
    // Feedback to the sender: NACKs for what is missing, a PLI when a frame was lost (at most every 500 ms).
    auto ask = [&] {
        if (!args.feedback || depayloader->ssrc() == 0) return;
        const auto seqs = recovery.due(depayloader->missing(), std::chrono::steady_clock::now());
        if (!seqs.empty()) receiver.reply(rtp::make_nack(own_ssrc, depayloader->ssrc(), seqs));
    };
    auto request_keyframe = [&] {
        const auto now = std::chrono::steady_clock::now();
        if (!args.feedback || depayloader->ssrc() == 0 || now - last_keyframe_request < std::chrono::milliseconds(500))
            return;
        last_keyframe_request = now;
        if (receiver.reply(rtp::make_pli(own_ssrc, depayloader->ssrc()))) ++keyframe_requests;
    };
    auto take = [&] {
        while (auto f = depayloader->pop()) {
            if (!f->complete) {
                if (!args.keep_damaged_gop) waiting_for_key = true;
                request_keyframe();
                continue;
            }
            if (waiting_for_key && !f->keyframe) {
                ++skipped;
                request_keyframe();  // joined mid-stream or lost one: ask for the next keyframe now
                continue;
            }
            waiting_for_key = false;
            Packet p;
            p.data = std::move(f->data);
            p.keyframe = f->keyframe;
            p.pts = p.dts = written;
            sink->write(p);
            ++written;
        }
    };
    using namespace std::chrono;
    // Receive in short slices: a quiet 20 ms means a missing packet isn't coming (it would
    // have been reordered by now), so frames held behind it are released.
    auto last_packet = steady_clock::now();
    const InterruptGuard guard;
    while ((args.frames < 0 || written < args.frames) && !interrupted()) {
        auto packet = receiver.receive(milliseconds(args.feedback ? 5 : 20));
        if (!packet) {
            ask();
            // Without feedback a quiet 20 ms gives missing packets up; with it, LossRecovery's time does.
            if (!args.feedback || recovery.should_give_up(steady_clock::now())) depayloader->expire();
            take();
            const double quiet = duration<double>(steady_clock::now() - last_packet).count();
            if (quiet >= (got_any ? args.timeout_s : args.wait_s)) break;
            continue;
        }
        last_packet = steady_clock::now();
        got_any = true;
        const uint64_t switches = depayloader->stats().source_switches;
        depayloader->push(*packet);
        ask();
        if (depayloader->stats().source_switches != switches)
            log(LogLevel::Info, "receive: following a new RTP source (SSRC changed: a stray packet came first, or "
                                "the sender restarted)");
        take();
    }
    depayloader->flush();
    take();
    sink->close();
    const auto& s = depayloader->stats();
    std::printf("received %llu packets: %lld frames written to %s, %llu incomplete, %lld skipped waiting for a "
                "keyframe; lost %llu, reordered %llu, duplicates %llu, late %llu, malformed %llu, foreign-source %llu, "
                "source switches %llu",
                static_cast<unsigned long long>(s.packets), static_cast<long long>(written), args.output.c_str(),
                static_cast<unsigned long long>(s.incomplete_frames), static_cast<long long>(skipped),
                static_cast<unsigned long long>(s.lost), static_cast<unsigned long long>(s.reordered),
                static_cast<unsigned long long>(s.duplicates), static_cast<unsigned long long>(s.late),
                static_cast<unsigned long long>(s.malformed), static_cast<unsigned long long>(s.foreign),
                static_cast<unsigned long long>(s.source_switches));
    if (args.feedback)
        std::printf("; feedback sent: %llu NACKed, %lld keyframe requests", static_cast<unsigned long long>(recovery.nacks_sent()),
                    static_cast<long long>(keyframe_requests));
    if (session.srtp) std::printf(", SRTP authentication failures %llu",
                                 static_cast<unsigned long long>(receiver.auth_failures()));
    std::printf("\n");
    if (interrupted()) {
        std::printf("interrupted by %s: the output holds every complete frame received\n", interrupt_name());
        return interrupt_exit_code();
    }
    if (!got_any) {
        std::fprintf(stderr, "nvcast: error: no RTP packets arrived on port %u within %.1f s\n", receiver.port(),
                     args.wait_s);
        return 1;
    }
    return written > 0 ? 0 : 1;
}

}  // namespace

void add_receive_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("receive", "Receive an RTP stream (H.264, HEVC, AV1; SRTP) into an elementary stream");
    cmd->footer(
        "\nExamples:\n"
        "  nvcast receive rtp://@:5004 --codec h264 -o out.h264\n"
        "  nvcast receive stream.sdp -o out.hevc          (port, codec and SRTP key from the SDP)\n"
        "Output: .h264/.hevc (Annex-B), .ivf/.obu (AV1), or a container (.mp4, .mkv, .ts).");
    static ReceiveArgs args;
    cmd->add_option("source", args.source, "rtp://@:PORT (any address), rtp://ADDR:PORT, or an .sdp file")->required();
    cmd->add_option("-o,--output", args.output, "Output file; its extension picks the format")->required();
    cmd->add_option("-c,--codec", args.codec, "h264, hevc or av1 (from the SDP when given)");
    cmd->add_option("--srtp", args.srtp_key, "SRTP key (40 base64 chars or 60 hex digits)");
    cmd->add_option("--pt", args.payload_type, "Accept only this RTP payload type")->check(integer_in(0, 127));
    cmd->add_option("--wait", args.wait_s, "Seconds to wait for the first packet")
        ->capture_default_str()
        ->check(finite_in(0.02, 86400));
    cmd->add_option("--timeout", args.timeout_s, "Seconds without packets that end the stream")
        ->capture_default_str()
        ->check(finite_in(0.02, 86400));
    cmd->add_option("--frames", args.frames, "Stop after writing N frames")->check(integer_in(1, 1000000000000));
    cmd->add_flag("!--no-feedback", args.feedback,
                  "Send no RTCP feedback (by default: NACKs for missing packets, PLI after a lost frame)");
    cmd->add_flag("--keep-damaged-gop", args.keep_damaged_gop,
                  "After an incomplete frame, keep writing the following frames instead of waiting for a keyframe");
    cmd->callback([&exit_code, cmd] {
        args.quiet = cmd->get_parent()->get_option("--quiet")->as<bool>();
        exit_code = run_receive(args);
    });
}

}  // namespace nvcast::cli
