// Receiver feedback (RFC 4585/5104, REMB): the parser and builders, NACKed packets sent again from
// the history (with seeded sender-side loss), and keyframe/bitrate requests reaching the encoder
// through the pipeline. Loopback only; every wait is bounded.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "nvcast/pipeline.h"
#include "nvcast/rtp.h"
#include "nvcast/stream.h"
#include "support/udp_peer.h"

using namespace nvcast;
using namespace std::chrono_literals;

namespace {

// Sends one datagram to 127.0.0.1:port, as a receiver's RTCP.
void send_to_sender(uint16_t port, const std::vector<uint8_t>& packet) { nvcast::test::udp_exchange(port, packet); }

uint16_t sequence_of(const std::vector<uint8_t>& p) { return static_cast<uint16_t>(p[2] << 8 | p[3]); }

TEST(RtcpFeedback, BuildersAndParserAgree) {
    const std::vector<uint16_t> seqs = {65530, 65535, 0, 3, 100, 101, 117, 118, 119};
    const auto nack = rtp::make_nack(9, 42, seqs);
    auto fb = rtp::parse_feedback(nack, 42);
    ASSERT_TRUE(fb);
    EXPECT_EQ(std::set<uint16_t>(fb->nacked.begin(), fb->nacked.end()), std::set<uint16_t>(seqs.begin(), seqs.end()));
    EXPECT_LT(nack.size(), 12 + 4 * seqs.size()) << "nearby sequence numbers share an entry's bitmask";
    EXPECT_TRUE(rtp::parse_feedback(nack, 43)->nacked.empty()) << "a NACK for another source is not ours";

    EXPECT_TRUE(rtp::parse_feedback(rtp::make_pli(9, 42), 42)->picture_loss);
    EXPECT_FALSE(rtp::parse_feedback(rtp::make_pli(9, 42), 7)->picture_loss);
    EXPECT_EQ(rtp::parse_feedback(rtp::make_fir(9, 42, 5), 42)->fir_sequence, std::optional<uint8_t>(5));
    EXPECT_FALSE(rtp::parse_feedback(rtp::make_fir(9, 42, 5), 7)->fir_sequence);

    const uint32_t ours[] = {42}, others[] = {7};
    const auto remb = rtp::parse_feedback(rtp::make_remb(9, 1'234'567, ours), 42);
    ASSERT_TRUE(remb->remb_bitrate);
    EXPECT_NEAR(static_cast<double>(*remb->remb_bitrate), 1'234'567.0, 1'234'567.0 * 1e-4);  // 18-bit mantissa
    EXPECT_FALSE(rtp::parse_feedback(rtp::make_remb(9, 1'000'000, others), 42)->remb_bitrate);

    // A compound packet: a receiver report with a block about 42, then a PLI.
    std::vector<uint8_t> rr = {0x81, 201, 0, 7, 0, 0, 0, 9, 0, 0, 0, 42, 25, 0xff, 0xff, 0xfe,
                               0, 1, 0, 10, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0, 0, 0};
    const auto pli = rtp::make_pli(9, 42);
    rr.insert(rr.end(), pli.begin(), pli.end());
    fb = rtp::parse_feedback(rr, 42);
    ASSERT_TRUE(fb);
    ASSERT_EQ(fb->reports.size(), 1u);
    EXPECT_EQ(fb->reports[0].fraction_lost, 25);
    EXPECT_EQ(fb->reports[0].cumulative_lost, -2);
    EXPECT_EQ(fb->reports[0].highest_sequence, 65546u);
    EXPECT_EQ(fb->reports[0].jitter, 30u);
    EXPECT_TRUE(fb->picture_loss);
}

TEST(RtcpFeedback, MalformedInputIsRefusedOrCutShort) {
    EXPECT_FALSE(rtp::parse_feedback({}, 42));
    const std::vector<uint8_t> rtp_packet = {0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 42};
    EXPECT_FALSE(rtp::parse_feedback(rtp_packet, 42)) << "an RTP packet (payload type 96) is not RTCP";
    auto pli = rtp::make_pli(9, 42);
    auto longer = pli;
    longer[3] = 50;  // claims more than there is
    EXPECT_FALSE(rtp::parse_feedback(longer, 42));
    auto two = pli;
    two.insert(two.end(), {0x81, 206, 0, 9, 1});  // a truncated second part: the first still counts
    EXPECT_TRUE(rtp::parse_feedback(two, 42)->picture_loss);
    std::vector<uint8_t> remb = rtp::make_remb(9, 5'000'000, std::vector<uint32_t>{42});
    remb[16] = 40;  // more SSRCs than the message holds
    EXPECT_FALSE(rtp::parse_feedback(remb, 42)->remb_bitrate);
}

// Sends 200 packets with 20% seeded loss, then NACKs what is missing until all arrived; with `rtx`,
// retransmissions must come as RFC 4588 packets on that stream (own SSRC, consecutive sequence numbers)
// that unwrap to the original. Returns how many retransmissions came as RTX packets.
size_t recover_every_nacked_packet(std::optional<rtp::SenderConfig::RtxStream> rtx) {
    rtp::ReceiverConfig rc;
    rc.local = {"127.0.0.1", 0};
    rtp::UdpReceiver receiver(rc);
    rtp::SenderConfig sc;
    sc.destination = {"127.0.0.1", receiver.port()};
    sc.rtcp = false;
    sc.simulated_loss = 0.2;
    sc.loss_seed = 7;
    sc.retransmit_history = 30s;  // the rounds below must not outlast it on a slow (sanitized) build
    sc.rtx = rtx;
    rtp::UdpSender sender(sc);
    EXPECT_NE(sender.stats().local_port, 0);

    constexpr uint32_t kMediaSsrc = 0x0abc;
    std::map<uint16_t, std::vector<uint8_t>> sent;
    for (int frame = 0; frame < 20; ++frame) {
        rtp::PacketList packets;
        for (int i = 0; i < 10; ++i) {
            const uint16_t seq = static_cast<uint16_t>(65500 + frame * 10 + i);  // wraps through 0
            const uint8_t marker = i == 9 ? 0x80 : 0;  // a frame's last packet
            std::vector<uint8_t> p = {0x80, static_cast<uint8_t>(marker | 96), static_cast<uint8_t>(seq >> 8),
                                      static_cast<uint8_t>(seq), 0, 0, 0, static_cast<uint8_t>(frame), 0, 0, 0x0a, 0xbc};
            for (int k = 0; k < 100; ++k) p.push_back(static_cast<uint8_t>(seq * 7 + k));
            sent[seq] = p;
            packets.push_back(p);
        }
        sender.send(std::move(packets));
    }
    sender.flush();
    std::set<uint16_t> missing;
    for (const auto& [seq, p] : sent) missing.insert(seq);
    size_t rtx_packets = 0;
    std::optional<uint16_t> last_rtx_sequence;
    const auto collect = [&] {
        while (auto p = receiver.receive(150ms)) {
            std::vector<uint8_t> original = *p;
            if (rtx && ((*p)[1] & 0x7f) == rtx->payload_type) {
                const auto header = rtp::parse_packet(*p, nullptr);
                ASSERT_TRUE(header);
                EXPECT_EQ(header->ssrc, rtx->ssrc);
                // Loss may take some, but what arrives comes in order of the stream's own sequence.
                if (last_rtx_sequence) {
                    const auto step = static_cast<uint16_t>(header->sequence - *last_rtx_sequence);
                    EXPECT_TRUE(step >= 1 && step < 100) << "RTX sequence number went from " << *last_rtx_sequence;
                }
                last_rtx_sequence = header->sequence;
                auto unwrapped = rtp::original_from_rtx(*p, 96, kMediaSsrc);  // the marker bit stays
                ASSERT_TRUE(unwrapped);
                original = *unwrapped;
                ++rtx_packets;
            }
            ASSERT_TRUE(sent.count(sequence_of(original)));
            EXPECT_EQ(original, sent[sequence_of(original)]) << "a retransmission is the packet as it was";
            missing.erase(sequence_of(original));
        }
    };
    collect();
    const size_t lost = missing.size();
    EXPECT_GT(lost, 10u) << "20% simulated loss of 200 packets";
    EXPECT_EQ(sender.stats().simulated_losses, lost);
    for (int round = 0; round < 20 && !missing.empty(); ++round) {  // retransmissions can be lost too
        const std::vector<uint16_t> ask(missing.begin(), missing.end());
        send_to_sender(sender.stats().local_port, rtp::make_nack(1, kMediaSsrc, ask));
        collect();
    }
    EXPECT_TRUE(missing.empty()) << missing.size() << " packets never recovered";
    const auto stats = sender.stats();
    EXPECT_GE(stats.retransmitted, lost);
    EXPECT_GE(stats.nacked, lost);
    EXPECT_GE(stats.feedback_packets, 1u);
    return rtx_packets;
}

TEST(RtcpFeedback, NackedPacketsAreSentAgainFromTheHistory) {
    EXPECT_EQ(recover_every_nacked_packet(std::nullopt), 0u);
}

TEST(RtcpFeedback, NackedPacketsComeOnTheRtxStreamWhenThereIsOne) {
    EXPECT_GT(recover_every_nacked_packet(rtp::SenderConfig::RtxStream{97, 0x5eed}), 10u);
}

TEST(RtcpFeedback, KeyframeAndBitrateRequestsReachTheEncoder) {
    rtp::ReceiverConfig rc;
    rc.local = {"127.0.0.1", 0};
    rtp::UdpReceiver receiver(rc);
    StreamSpec s;
    s.name = "live";
    s.input = "synthetic:320x240@30:75";
    s.realtime = true;
    s.backend = "x264";
    s.encoder.codec = Codec::H264;
    s.encoder.preset = 1;
    s.encoder.tuning = Tuning::LowLatency;
    s.encoder.gop_length = kInfiniteGop;
    s.encoder.rc.mode = RateControlMode::VBR;
    s.encoder.rc.bitrate = 2'000'000;
    SinkSpec sink;
    sink.target = "rtp://127.0.0.1:" + std::to_string(receiver.port());
    s.sinks.push_back(sink);
    PipelineConfig config;
    config.streams.push_back(std::move(s));
    Pipeline pipeline(std::move(config));
    pipeline.start();
    std::optional<uint32_t> ssrc;
    std::thread drain([&] {  // keep reading so the socket never overflows
        while (auto p = receiver.receive(1500ms))
            if (!ssrc && p->size() >= 12) ssrc = static_cast<uint32_t>((*p)[8] << 24 | (*p)[9] << 16 | (*p)[10] << 8 | (*p)[11]);
    });
    std::this_thread::sleep_for(700ms);
    const auto net = pipeline.stats()[0].sinks[0].network;
    ASSERT_TRUE(net);
    const uint16_t port = net->local_port;
    for (int i = 0; i < 50 && !ssrc; ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(ssrc);
    // One PLI: a keyframe at the next frame. Then two more while the 500 ms throttle runs: they
    // are served together, by one keyframe when the interval ends.
    send_to_sender(port, rtp::make_pli(1, *ssrc));
    for (int i = 0; i < 100 && pipeline.stats()[0].keyframes_on_request < 1; ++i) std::this_thread::sleep_for(5ms);
    for (int i = 0; i < 2; ++i) send_to_sender(port, rtp::make_pli(1, *ssrc));
    std::this_thread::sleep_for(150ms);
    send_to_sender(port, rtp::make_remb(1, 400'000, std::vector<uint32_t>{*ssrc}));
    std::this_thread::sleep_for(150ms);
    send_to_sender(port, rtp::make_remb(1, 410'000, std::vector<uint32_t>{*ssrc}));  // within 5%: no change
    ASSERT_TRUE(pipeline.wait_for(10s));
    drain.join();
    const StreamStats stats = pipeline.stats()[0];
    EXPECT_EQ(stats.state, StreamState::Finished) << stats.error;
    EXPECT_EQ(stats.sinks[0].network->keyframe_requests, 3u);
    EXPECT_EQ(stats.keyframes_on_request, 2);
    EXPECT_EQ(stats.keyframes, 3) << "the first IDR and the two requested ones (GOP infinite)";
    EXPECT_EQ(stats.sinks[0].network->bitrate_estimates, 2u);
    EXPECT_EQ(stats.bitrate_changes, 1);
    EXPECT_EQ(stats.target_bitrate, 400'000);
}

}  // namespace
