// RTP fixed header (RFC 3550 §5.1) and the 90 kHz timestamp mapping.
#include <gtest/gtest.h>

#include "rtp_test_util.h"

using namespace nvcast;
using namespace nvcast::test::rtp_util;

TEST(RtpHeader, WritesTheFixedHeader) {
    rtp::Header h;
    h.marker = true;
    h.payload_type = 97;
    h.sequence = 0xBEEF;
    h.timestamp = 0x11223344;
    h.ssrc = 0xCAFEBABE;
    uint8_t out[12];
    rtp::write_header(h, out);
    const Bytes expected = {0x80, 0xE1, 0xBE, 0xEF, 0x11, 0x22, 0x33, 0x44, 0xCA, 0xFE, 0xBA, 0xBE};
    EXPECT_EQ(Bytes(out, out + 12), expected);
}

TEST(RtpHeader, ParsesCsrcExtensionAndPadding) {
    // V=2 P=1 X=1 CC=1, M=0 PT=96, one CSRC, a one-word extension, 2 payload bytes, 3 padding bytes.
    const Bytes p = {0xB1, 0x60, 0x00, 0x05, 0, 0, 0, 9, 0, 0, 0, 7, /*csrc*/ 1, 2, 3, 4,
                     /*ext*/ 0xBE, 0xDE, 0x00, 0x01, 9, 9, 9, 9, /*payload*/ 0xAB, 0xCD, /*pad*/ 0, 0, 3};
    std::span<const uint8_t> payload;
    const auto h = rtp::parse_packet(p, &payload);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->sequence, 5);
    EXPECT_EQ(h->timestamp, 9u);
    EXPECT_EQ(h->ssrc, 7u);
    EXPECT_FALSE(h->marker);
    EXPECT_EQ(Bytes(payload.begin(), payload.end()), (Bytes{0xAB, 0xCD}));
}

TEST(RtpHeader, RejectsMalformedHeaders) {
    std::span<const uint8_t> payload;
    EXPECT_FALSE(rtp::parse_packet(Bytes{0x80, 0x60, 0, 1}, &payload));                         // truncated
    EXPECT_FALSE(rtp::parse_packet(Bytes{0x40, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, &payload));  // version 1
    EXPECT_FALSE(rtp::parse_packet(Bytes{0x82, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, &payload));  // CC=2
    EXPECT_FALSE(rtp::parse_packet(Bytes{0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 9}, &payload));  // pad 9 > 2
    EXPECT_FALSE(rtp::parse_packet(Bytes{0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4}, &payload));  // ext
}

TEST(RtpHeader, TimestampsAre90kHzFromFrameIndex) {
    EXPECT_EQ(rtp::timestamp_from_pts(0, 30, 1, 1000), 1000u);
    EXPECT_EQ(rtp::timestamp_from_pts(1, 30, 1), 3000u);
    EXPECT_EQ(rtp::timestamp_from_pts(1, 60, 1), 1500u);
    EXPECT_EQ(rtp::timestamp_from_pts(1, 30000, 1001), 3003u);
    EXPECT_EQ(rtp::timestamp_from_pts(10, 24000, 1001), 37537u);  // 10 * 3753.75, floored
    // Wraps modulo 2^32.
    EXPECT_EQ(rtp::timestamp_from_pts(1, 30, 1, 0xFFFFFFFFu), 2999u);
}

// RFC 4588 §4, with the packet of ParsesCsrcExtensionAndPadding plus the marker bit: the RTX packet
// keeps timestamp, marker, CSRC and extension, takes the RTX stream's payload type, sequence number
// and SSRC, puts the original sequence number first and drops the original's padding.
TEST(RtpRtx, WrapsThePacketAfterItsOriginalSequenceNumberAndUnwrapsItBack) {
    const Bytes original = {0xB1, 0xE0, 0x00, 0x05, 0, 0, 0, 9, 0, 0, 0, 7, /*csrc*/ 1, 2, 3, 4,
                            /*ext*/ 0xBE, 0xDE, 0x00, 0x01, 9, 9, 9, 9, /*payload*/ 0xAB, 0xCD, /*pad*/ 0, 0, 3};
    const Bytes rtx = rtp::make_rtx_packet(original, 97, 0x01020304, 0xFFFF);
    const Bytes expected = {0x91, 0xE1, 0xFF, 0xFF, 0, 0, 0, 9, 1, 2, 3, 4, /*csrc*/ 1, 2, 3, 4,
                            /*ext*/ 0xBE, 0xDE, 0x00, 0x01, 9, 9, 9, 9, /*osn*/ 0x00, 0x05, /*payload*/ 0xAB, 0xCD};
    EXPECT_EQ(rtx, expected);
    const auto back = rtp::original_from_rtx(rtx, 96, 7);
    ASSERT_TRUE(back);
    Bytes unpadded(original.begin(), original.end() - 3);
    unpadded[0] &= 0xDF;  // the padding went with the wrapping
    EXPECT_EQ(*back, unpadded);
    std::span<const uint8_t> payload;
    ASSERT_TRUE(rtp::parse_packet(*back, &payload));
    EXPECT_EQ(Bytes(payload.begin(), payload.end()), (Bytes{0xAB, 0xCD}));
}

TEST(RtpRtx, MalformedPacketsAreRefused) {
    EXPECT_TRUE(rtp::make_rtx_packet(Bytes{0x80, 0x60, 0, 1}, 97, 1, 1).empty());  // not RTP
    const Bytes no_osn = {0x80, 0x61, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x42};       // 1 payload byte: no room for an OSN
    EXPECT_FALSE(rtp::original_from_rtx(no_osn, 96, 7));
    EXPECT_FALSE(rtp::original_from_rtx(Bytes{0x40, 0x61, 0, 1}, 96, 7));
    const Bytes empty_original = {0x80, 0x61, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x12, 0x34};  // OSN only: an empty payload
    const auto back = rtp::original_from_rtx(empty_original, 96, 7);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, (Bytes{0x80, 0x60, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 7}));
}
