// AV1 RTP payload format: byte-exact packets worked out by hand from the AV1 RTP
// specification. Aggregation header Z|Y|W(2)|N|000; OBU header
// 0|type(4)|extension|has_size|0 (RTP: has_size cleared).
#include <gtest/gtest.h>

#include "rtp_test_util.h"

using namespace nvcast;
using namespace nvcast::test::rtp_util;

namespace {

const Bytes kTd = {0x12, 0x00};

rtp::PacketList packetize(size_t max_payload, const Bytes& tu, bool keyframe, const Bytes& headers = {}) {
    auto cfg = payloader_config(Codec::AV1, max_payload);
    cfg.codec_headers = headers;
    return rtp::Payloader::create(cfg)->packetize(tu, kTs, keyframe);
}

}  // namespace

TEST(RtpAv1, TwoObusInOnePacketWithW2) {
    // TD dropped; sequence header 0x0A (type 1, size) -> 0x08 without size field,
    // frame 0x32 (type 6) -> 0x30. W=2: the first element has a LEB128 length (4),
    // the last none. N=1 (keyframe starting a coded video sequence): 0x20|0x08 = 0x28.
    const Bytes tu = cat({kTd, {0x0A, 0x03, 0xA1, 0xA2, 0xA3}, {0x32, 0x04, 0xF1, 0xF2, 0xF3, 0xF4}});
    const auto packets = packetize(64, tu, true);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0], pkt(true, 0x1000, {0x28, 0x04, 0x08, 0xA1, 0xA2, 0xA3, 0x30, 0xF1, 0xF2, 0xF3, 0xF4}));
}

TEST(RtpAv1, LargeObuIsFragmentedWithZAndY) {
    // Frame OBU with 40 payload bytes -> a 41-byte element (0x30 + payload), max 16.
    // Each packet reserves a 1-byte length, so a fragment takes 16 - 1 - 1 = 14 bytes;
    // with W=1 the length is then omitted: packets of 1 + 14, 1 + 14, 1 + 13 bytes.
    //   1st: Y=1, W=1 -> 0x50    2nd: Z=1, Y=1, W=1 -> 0xD0    3rd: Z=1, W=1 -> 0x90
    const Bytes payload = ramp(0x40, 40);
    const Bytes tu = cat({kTd, {0x32, 40}, payload});
    const auto packets = packetize(16, tu, false);
    ASSERT_EQ(packets.size(), 3u);
    EXPECT_EQ(packets[0], pkt(false, 0x1000, cat({{0x50, 0x30}, ramp(0x40, 13)})));
    EXPECT_EQ(packets[1], pkt(false, 0x1001, cat({{0xD0}, ramp(0x4D, 14)})));
    EXPECT_EQ(packets[2], pkt(true, 0x1002, cat({{0x90}, ramp(0x5B, 13)})));
}

TEST(RtpAv1, FourObusUseW0WithEveryLength) {
    // Sequence header, frame header (type 3: 0x1A -> 0x18), tile group (type 4:
    // 0x22 -> 0x20), metadata (type 5: 0x2A -> 0x28): four elements, so W=0 and every
    // element carries its length. Not a keyframe: N=0 -> aggregation header 0x00.
    const Bytes tu = cat({kTd, {0x0A, 0x01, 0x11}, {0x1A, 0x02, 0x21, 0x22}, {0x22, 0x01, 0x31}, {0x2A, 0x01, 0x41}});
    const auto packets = packetize(64, tu, false);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0], pkt(true, 0x1000, {0x00, 0x02, 0x08, 0x11, 0x03, 0x18, 0x21, 0x22, 0x02, 0x20, 0x31, 0x02,
                                             0x28, 0x41}));
}

TEST(RtpAv1, ExtensionHeaderIsKeptAndSmallObuMovesToTheNextPacket) {
    // Frame OBU with extension (0x36: type 6, extension, size; ext byte 0x28 = temporal 1,
    // spatial 1) -> element 0x34 0x28 + 10 bytes = 12; then a 6-byte frame element.
    // Max 16: 1 + 1 + 12 = 14 used; 14 + 1 + 6 > 16 but it fits a fresh packet, so it is
    // not fragmented. Each packet has W=1.
    const Bytes tu = cat({kTd, {0x36, 0x28, 10}, ramp(0x50, 10), {0x32, 5}, ramp(0x60, 5)});
    const auto packets = packetize(16, tu, false);
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets[0], pkt(false, 0x1000, cat({{0x10, 0x34, 0x28}, ramp(0x50, 10)})));
    EXPECT_EQ(packets[1], pkt(true, 0x1001, cat({{0x10, 0x30}, ramp(0x60, 5)})));
}

TEST(RtpAv1, KeyframeGetsTheConfiguredSequenceHeader) {
    const Bytes seq = {0x0A, 0x02, 0x00, 0x00};
    const Bytes tu = cat({kTd, {0x32, 0x01, 0x10}});
    const auto packets = packetize(64, tu, true, seq);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0], pkt(true, 0x1000, {0x28, 0x03, 0x08, 0x00, 0x00, 0x30, 0x10}));
}

TEST(RtpAv1, DepayloadsFragmentsBackToLowOverheadFormat) {
    const std::vector<Bytes> packets = {
        pkt(false, 1, {0x28, 0x04, 0x08, 0xA1, 0xA2, 0xA3, 0x30, 0xF1}),  // seq header + frame start? no: W=2
    };
    // The packet above has W=2: element 1 (length 4) = seq header, element 2 (rest) = frame OBU.
    rtp::DepayloaderStats stats;
    auto frames = depayload(Codec::AV1, packets, &stats);
    ASSERT_EQ(frames.size(), 1u);
    ASSERT_TRUE(frames[0].complete);
    EXPECT_EQ(frames[0].data, cat({kTd, {0x0A, 0x03, 0xA1, 0xA2, 0xA3}, {0x32, 0x01, 0xF1}}));

    const std::vector<Bytes> fragmented = {
        pkt(false, 10, cat({{0x50, 0x30}, ramp(0x40, 13)})),
        pkt(false, 11, cat({{0xD0}, ramp(0x4D, 14)})),
        pkt(true, 12, cat({{0x90}, ramp(0x5B, 13)})),
    };
    frames = depayload(Codec::AV1, fragmented, &stats);
    ASSERT_EQ(frames.size(), 1u);
    ASSERT_TRUE(frames[0].complete);
    EXPECT_EQ(frames[0].data, cat({kTd, {0x32, 40}, ramp(0x40, 40)}));
}

TEST(RtpAv1, ObuWithSizeFieldInsideRtpIsAccepted) {
    // The spec allows obu_has_size_field = 1 inside RTP; W=0, one element of length 4
    // holding 0x32 0x02 0xAA 0xBB.
    auto frames = depayload(Codec::AV1, {pkt(true, 3, {0x00, 0x04, 0x32, 0x02, 0xAA, 0xBB})});
    ASSERT_EQ(frames.size(), 1u);
    ASSERT_TRUE(frames[0].complete);
    EXPECT_EQ(frames[0].data, cat({kTd, {0x32, 0x02, 0xAA, 0xBB}}));
    // ... but a size field that disagrees with the element length is malformed.
    rtp::DepayloaderStats stats;
    frames = depayload(Codec::AV1, {pkt(true, 3, {0x00, 0x04, 0x32, 0x05, 0xAA, 0xBB})}, &stats);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_FALSE(frames[0].complete);
    EXPECT_EQ(stats.malformed, 1u);
}

TEST(RtpAv1, LostMiddleFragmentMakesTheFrameIncomplete) {
    const std::vector<Bytes> packets = {
        pkt(false, 10, cat({{0x50, 0x30}, ramp(0x40, 13)})),
        pkt(true, 12, cat({{0x90}, ramp(0x5B, 13)})),
    };
    rtp::DepayloaderStats stats;
    auto frames = depayload(Codec::AV1, packets, &stats);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_FALSE(frames[0].complete);
    EXPECT_EQ(stats.lost, 1u);
}
