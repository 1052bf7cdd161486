// H.264 RTP payload format (RFC 6184, packetization-mode 1): byte-exact packets
// worked out by hand from the RFC, and the depayloader's inverse.
#include <gtest/gtest.h>

#include "rtp_test_util.h"

using namespace nvcast;
using namespace nvcast::test::rtp_util;

namespace {

const Bytes kSc = {0, 0, 0, 1};
const Bytes kSps = {0x67, 0x42, 0x00, 0x1F};  // F=0 NRI=3 type=7
const Bytes kPps = {0x68, 0xCE, 0x3C, 0x80};  // F=0 NRI=3 type=8

rtp::PacketList packetize(size_t max_payload, const Bytes& au, bool keyframe, const Bytes& headers = {}) {
    auto cfg = payloader_config(Codec::H264, max_payload);
    cfg.codec_headers = headers;
    auto p = rtp::Payloader::create(cfg);
    return p->packetize(au, kTs, keyframe);
}

}  // namespace

TEST(RtpH264, SmallNalIsASingleNalUnitPacket) {
    // RFC 6184 §5.6: the NAL unit itself is the payload; one packet, marker set.
    const auto packets = packetize(16, {0, 0, 0, 1, 0x41, 0xAA, 0xBB, 0xCC}, false);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0], pkt(true, 0x1000, {0x41, 0xAA, 0xBB, 0xCC}));
}

TEST(RtpH264, ParameterSetsGoInOneStapA) {
    // SPS + PPS fit one STAP-A (§5.7.1): header F=0|NRI=max(3,3)|24 = 0x78, then
    // 16-bit size + NAL unit each: 1 + 6 + 6 = 13 bytes <= 16. The 14-byte IDR slice
    // doesn't fit behind them (13 + 2 + 14 > 16) and goes alone.
    const Bytes idr = cat({{0x65}, ramp(0x10, 13)});
    const Bytes au = cat({kSc, kSps, {0, 0, 1}, kPps, kSc, idr});
    const auto packets = packetize(16, au, true);
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets[0], pkt(false, 0x1000, {0x78, 0x00, 0x04, 0x67, 0x42, 0x00, 0x1F, 0x00, 0x04, 0x68, 0xCE, 0x3C, 0x80}));
    EXPECT_EQ(packets[1], pkt(true, 0x1001, idr));
}

TEST(RtpH264, LargeNalIsSplitIntoFuA) {
    // 31-byte NAL (header 0x41: NRI=2, type 1) with max payload 16: FU indicator
    // 0x41&0xE0 | 28 = 0x5C; FU header S|type = 0x81, type = 0x01, E|type = 0x41;
    // 14 payload bytes per fragment (16 - 2): 14 + 14 + 2.
    const Bytes body = ramp(0x10, 30);
    const Bytes au = cat({kSc, {0x41}, body});
    const auto packets = packetize(16, au, false);
    ASSERT_EQ(packets.size(), 3u);
    EXPECT_EQ(packets[0], pkt(false, 0x1000, cat({{0x5C, 0x81}, ramp(0x10, 14)})));
    EXPECT_EQ(packets[1], pkt(false, 0x1001, cat({{0x5C, 0x01}, ramp(0x1E, 14)})));
    EXPECT_EQ(packets[2], pkt(true, 0x1002, {0x5C, 0x41, 0x2C, 0x2D}));
}

TEST(RtpH264, KeyframeWithoutParameterSetsGetsThemAndAudIsDropped) {
    // Keyframe AU = AUD + IDR only: the configured SPS/PPS are sent in front, all three
    // in one STAP-A (1 + 6 + 6 + 2 + 4 = 19 <= 64). The AUD (type 9) is not sent.
    const Bytes headers = cat({kSc, kSps, kSc, kPps});
    const Bytes au = {0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x65, 0xB8, 0x11, 0x22};
    const auto packets = packetize(64, au, true, headers);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0], pkt(true, 0x1000, {0x78, 0x00, 0x04, 0x67, 0x42, 0x00, 0x1F, 0x00, 0x04, 0x68, 0xCE, 0x3C,
                                             0x80, 0x00, 0x04, 0x65, 0xB8, 0x11, 0x22}));
    // A non-key AU gets no parameter sets.
    auto cfg = payloader_config(Codec::H264, 64);
    cfg.codec_headers = headers;
    auto p = rtp::Payloader::create(cfg);
    const auto delta = p->packetize(Bytes{0, 0, 1, 0x41, 0x9A, 0x02}, kTs, false);
    ASSERT_EQ(delta.size(), 1u);
    EXPECT_EQ(delta[0], pkt(true, 0x1000, {0x41, 0x9A, 0x02}));
}

TEST(RtpH264, SequenceNumbersContinueAndWrap) {
    auto cfg = payloader_config(Codec::H264, 16);
    cfg.initial_sequence = 0xFFFF;
    auto p = rtp::Payloader::create(cfg);
    const auto a = p->packetize(Bytes{0, 0, 1, 0x41, 0x01}, 1000, false);
    const auto b = p->packetize(Bytes{0, 0, 1, 0x41, 0x02}, 4000, false);
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(a[0][2], 0xFF);
    EXPECT_EQ(a[0][3], 0xFF);
    EXPECT_EQ(b[0][2], 0x00);
    EXPECT_EQ(b[0][3], 0x00);
    EXPECT_EQ(b[0][7], 4000 & 0xff);
    EXPECT_EQ(p->packet_count(), 2u);
    EXPECT_EQ(p->octet_count(), 4u);
}

TEST(RtpH264, DepayloadsSingleStapAndFu) {
    const Bytes idr = cat({{0x65}, ramp(0x10, 13)});
    const std::vector<Bytes> packets = {
        pkt(false, 7, {0x78, 0x00, 0x04, 0x67, 0x42, 0x00, 0x1F, 0x00, 0x04, 0x68, 0xCE, 0x3C, 0x80}),
        pkt(false, 8, idr),
        pkt(false, 9, cat({{0x5C, 0x81}, ramp(0x10, 14)})),
        pkt(true, 10, {0x5C, 0x41, 0x1E, 0x1F}),
    };
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::H264, packets, &stats);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_TRUE(frames[0].complete);
    EXPECT_TRUE(frames[0].keyframe);
    EXPECT_EQ(frames[0].timestamp, kTs);
    EXPECT_EQ(frames[0].packets, 4u);
    EXPECT_EQ(frames[0].data, cat({kSc, kSps, kSc, kPps, kSc, idr, kSc, {0x41}, ramp(0x10, 14), {0x1E, 0x1F}}));
    EXPECT_EQ(stats.lost, 0u);
    EXPECT_EQ(stats.frames, 1u);
}

TEST(RtpH264, LostFragmentMakesTheFrameIncomplete) {
    // Frame 1 (ts kTs) loses its middle FU-A; frame 2 (another timestamp) is whole.
    std::vector<Bytes> packets = {
        pkt(false, 100, cat({{0x5C, 0x81}, ramp(0x10, 14)})),
        // seq 101 lost
        pkt(true, 102, {0x5C, 0x41, 0x2C, 0x2D}),
    };
    Bytes next = pkt(true, 103, {0x41, 0x77});
    next[7] = 0x05;  // different timestamp
    packets.push_back(next);
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::H264, packets, &stats);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_FALSE(frames[0].complete);
    EXPECT_TRUE(frames[0].data.empty());
    EXPECT_TRUE(frames[1].complete);
    EXPECT_EQ(frames[1].data, (Bytes{0, 0, 0, 1, 0x41, 0x77}));
    EXPECT_EQ(stats.lost, 1u);
    EXPECT_EQ(stats.incomplete_frames, 1u);
    EXPECT_EQ(stats.frames, 1u);
}

TEST(RtpH264, ReorderedPacketsAreReassembled) {
    const std::vector<Bytes> packets = {
        pkt(false, 9, cat({{0x5C, 0x81}, ramp(0x10, 14)})),
        pkt(true, 11, {0x5C, 0x41, 0x2C, 0x2D}),
        pkt(false, 10, cat({{0x5C, 0x01}, ramp(0x1E, 14)})),
    };
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::H264, packets, &stats);
    ASSERT_EQ(frames.size(), 1u);
    ASSERT_TRUE(frames[0].complete);
    EXPECT_EQ(frames[0].data, cat({kSc, {0x41}, ramp(0x10, 30)}));
    EXPECT_EQ(stats.reordered, 1u);
    EXPECT_EQ(stats.lost, 0u);
}

TEST(RtpH264, PayloaderRejectsBadSizes) {
    auto cfg = payloader_config(Codec::H264, 8);
    EXPECT_THROW(rtp::Payloader::create(cfg), Error);
    cfg.max_payload = 1200;
    cfg.payload_type = 200;
    EXPECT_THROW(rtp::Payloader::create(cfg), Error);
}

TEST(RtpH264, TimestampChangeEndsAFrameWhoseMarkerIsMissing) {
    // A sender that never sets the marker bit: the next timestamp closes the frame.
    Bytes second = pkt(false, 2, {0x41, 0x02});
    second[7] = 0x09;  // another timestamp
    const std::vector<Bytes> packets = {pkt(false, 1, {0x41, 0x01}), second};
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::H264, packets, &stats);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_TRUE(frames[0].complete);
    EXPECT_EQ(frames[0].data, (Bytes{0, 0, 0, 1, 0x41, 0x01}));
    EXPECT_EQ(frames[0].timestamp, kTs);
    EXPECT_TRUE(frames[1].complete);
    EXPECT_EQ(frames[1].timestamp, 0x01020309u);
}

TEST(RtpH264, DuplicatesAndForeignPacketsAreDropped) {
    Bytes foreign = pkt(true, 3, {0x41, 0x03});
    foreign[11] = 0x00;  // another SSRC
    Bytes wrong_version = pkt(true, 4, {0x41, 0x04});
    wrong_version[0] = 0x40;
    const std::vector<Bytes> packets = {pkt(false, 1, {0x41, 0x01}), pkt(false, 1, {0x41, 0x01}), foreign,
                                        wrong_version, pkt(true, 2, {0x41, 0x02})};
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::H264, packets, &stats);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_TRUE(frames[0].complete);
    EXPECT_EQ(frames[0].data, (Bytes{0, 0, 0, 1, 0x41, 0x01, 0, 0, 0, 1, 0x41, 0x02}));
    EXPECT_EQ(stats.duplicates, 1u);
    EXPECT_EQ(stats.malformed, 1u);
    EXPECT_EQ(stats.foreign, 1u);
    EXPECT_EQ(stats.source_switches, 0u);
    EXPECT_EQ(stats.packets, 2u);
}

// Issue 13, finding 1: a stray packet from another source before the stream must not capture it,
// and a sender that restarts (new SSRC and sequence) is followed without losing its first frames.
TEST(RtpH264, UnprovenSourceIsHeldBackEvenOnExpire) {
    nvcast::rtp::DepayloaderConfig c;
    c.codec = Codec::H264;
    auto d = rtp::Depayloader::create(c);
    d->push(pkt(true, 1, {0x65, 0x01}));
    d->expire();
    EXPECT_FALSE(d->pop()) << "one packet does not make a stream yet";
    d->flush();
    EXPECT_TRUE(d->pop()) << "at the end of the stream it is delivered";
}

TEST(RtpH264, StrayPacketFirstDoesNotCaptureTheStream) {
    Bytes stray = pkt(true, 900, {0x41, 0x0f});
    stray[11] = 0x00;  // another SSRC
    std::vector<Bytes> packets = {stray};
    for (uint16_t i = 0; i < 12; ++i) packets.push_back(pkt(true, static_cast<uint16_t>(10 + i), {0x65, static_cast<uint8_t>(i)}));
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::H264, packets, &stats);
    ASSERT_EQ(frames.size(), 12u);
    for (size_t i = 0; i < frames.size(); ++i) {
        EXPECT_TRUE(frames[i].complete);
        EXPECT_EQ(frames[i].data, (Bytes{0, 0, 0, 1, 0x65, static_cast<uint8_t>(i)}));
    }
    EXPECT_EQ(stats.foreign, 1u);
    EXPECT_EQ(stats.source_switches, 1u);
    EXPECT_EQ(stats.lost, 0u);
}

TEST(RtpH264, ShortStreamAfterAStrayPacketIsFollowedAtFlush) {
    Bytes stray = pkt(true, 900, {0x41, 0x0f});
    stray[11] = 0x00;
    const std::vector<Bytes> packets = {stray, pkt(true, 1, {0x65, 1}), pkt(true, 2, {0x41, 2})};
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::H264, packets, &stats);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].data, (Bytes{0, 0, 0, 1, 0x65, 1}));
    EXPECT_EQ(stats.foreign, 1u);
}

TEST(RtpH264, SenderRestartIsFollowed) {
    std::vector<Bytes> packets;
    for (uint16_t i = 0; i < 10; ++i) packets.push_back(pkt(true, static_cast<uint16_t>(100 + i), {0x41, static_cast<uint8_t>(i)}));
    for (uint16_t i = 0; i < 10; ++i) {
        Bytes p = pkt(true, static_cast<uint16_t>(5000 + i), {0x65, static_cast<uint8_t>(0x80 + i)});
        p[11] = 0x00;  // the restarted sender's new SSRC
        packets.push_back(p);
    }
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::H264, packets, &stats);
    ASSERT_EQ(frames.size(), 20u);
    for (const auto& f : frames) EXPECT_TRUE(f.complete);
    EXPECT_EQ(frames[10].data, (Bytes{0, 0, 0, 1, 0x65, 0x80}));
    EXPECT_EQ(stats.source_switches, 1u);
    EXPECT_EQ(stats.foreign, 0u);
}

TEST(RtpH264, SequenceWrapIsNotLoss) {
    const std::vector<Bytes> packets = {pkt(false, 0xFFFE, {0x41, 0x01}), pkt(false, 0xFFFF, {0x41, 0x02}),
                                        pkt(true, 0x0000, {0x41, 0x03})};
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::H264, packets, &stats);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_TRUE(frames[0].complete);
    EXPECT_EQ(stats.lost, 0u);
}

TEST(RtpH264, ExpireReleasesFramesHeldBehindALoss) {
    nvcast::rtp::DepayloaderConfig c;
    c.codec = Codec::H264;
    c.switch_after = 1;  // about loss, not about proving the source: frames may leave after one packet
    auto d = rtp::Depayloader::create(c);
    Bytes b = pkt(true, 3, {0x41, 0x02});  // seq 2 lost
    b[7] = 0x09;
    d->push(pkt(true, 1, {0x41, 0x01}));
    d->push(b);
    EXPECT_FALSE(d->pop());  // still waiting: the window isn't full
    d->expire();
    auto first = d->pop();
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->complete);
    EXPECT_EQ(first->data, (Bytes{0, 0, 0, 1, 0x41, 0x01}));
    auto second = d->pop();
    ASSERT_TRUE(second);  // after a gap it can't be known to be whole
    EXPECT_FALSE(second->complete);
    EXPECT_EQ(d->stats().lost, 1u);
}
