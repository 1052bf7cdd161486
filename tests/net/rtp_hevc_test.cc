// HEVC RTP payload format (RFC 7798, no DONL): byte-exact packets worked out by hand.
// NAL unit header: F(1) Type(6) LayerId(6) TID(3) where TID = nuh_temporal_id_plus1.
#include <gtest/gtest.h>

#include "rtp_test_util.h"

using namespace nvcast;
using namespace nvcast::test::rtp_util;

namespace {

const Bytes kSc = {0, 0, 0, 1};
const Bytes kVps = {0x40, 0x01, 0x0C, 0x01};  // type 32
const Bytes kSps = {0x42, 0x01, 0x01, 0x01};  // type 33
const Bytes kPps = {0x44, 0x01, 0xC1, 0x72};  // type 34

rtp::PacketList packetize(size_t max_payload, const Bytes& au, bool keyframe, const Bytes& headers = {}) {
    auto cfg = payloader_config(Codec::HEVC, max_payload);
    cfg.codec_headers = headers;
    return rtp::Payloader::create(cfg)->packetize(au, kTs, keyframe);
}

}  // namespace

TEST(RtpHevc, SmallNalIsASingleNalUnitPacket) {
    const auto packets = packetize(16, {0, 0, 1, 0x02, 0x01, 0xD0, 0x11}, false);  // TRAIL_R
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0], pkt(true, 0x1000, {0x02, 0x01, 0xD0, 0x11}));
}

TEST(RtpHevc, ParameterSetsGoInOneAggregationPacket) {
    // AP (§4.4.2): payload header F=0, Type=48, LayerId=0, TID=1 -> 0x60 0x01; then
    // 16-bit size + NAL unit for VPS, SPS, PPS: 2 + 3*6 = 20 bytes <= 24.
    // The IDR_W_RADL slice (type 19: 0x26 0x01) follows alone.
    const Bytes idr = cat({{0x26, 0x01}, ramp(0x20, 10)});
    const Bytes au = cat({kSc, kVps, kSc, kSps, kSc, kPps, kSc, idr});
    const auto packets = packetize(24, au, true);
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets[0], pkt(false, 0x1000, {0x60, 0x01, 0x00, 0x04, 0x40, 0x01, 0x0C, 0x01, 0x00, 0x04, 0x42, 0x01,
                                              0x01, 0x01, 0x00, 0x04, 0x44, 0x01, 0xC1, 0x72}));
    EXPECT_EQ(packets[1], pkt(true, 0x1001, idr));
}

TEST(RtpHevc, AggregationPacketTakesLowestLayerAndTemporalId) {
    // Two TRAIL_R NAL units of layer 1 with TID 3 and TID 2 (byte 2 = LayerId<<3 | TID):
    // the AP header carries LayerId 1 and the lowest TID, 2 -> 0x60, 0x0A.
    const Bytes a = {0x02, 0x0B, 0x55};
    const Bytes b = {0x02, 0x0A, 0x66};
    const auto packets = packetize(32, cat({kSc, a, kSc, b}), false);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0], pkt(true, 0x1000, {0x60, 0x0A, 0x00, 0x03, 0x02, 0x0B, 0x55, 0x00, 0x03, 0x02, 0x0A, 0x66}));
}

TEST(RtpHevc, LargeNalIsSplitIntoFragmentationUnits) {
    // TSA_N (type 2) with TID 3 (0x04 0x03) and a 25-byte body, max payload 16:
    // FU payload header keeps F/LayerId/TID and sets Type 49: 0x62 0x03;
    // FU header S|E|FuType(6): 0x82, 0x02, 0x42; 13 bytes per fragment (16 - 3): 13 + 12.
    const Bytes au = cat({kSc, {0x04, 0x03}, ramp(0x30, 25)});
    const auto packets = packetize(16, au, false);
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets[0], pkt(false, 0x1000, cat({{0x62, 0x03, 0x82}, ramp(0x30, 13)})));
    EXPECT_EQ(packets[1], pkt(true, 0x1001, cat({{0x62, 0x03, 0x42}, ramp(0x3D, 12)})));
}

TEST(RtpHevc, KeyframeWithoutParameterSetsGetsThem) {
    const Bytes headers = cat({kSc, kVps, kSc, kSps, kSc, kPps});
    const Bytes au = {0, 0, 0, 1, 0x46, 0x01, 0x50, 0, 0, 0, 1, 0x26, 0x01, 0xAF};  // AUD (type 35) + IDR
    const auto packets = packetize(64, au, true, headers);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0], pkt(true, 0x1000, {0x60, 0x01, 0x00, 0x04, 0x40, 0x01, 0x0C, 0x01, 0x00, 0x04, 0x42, 0x01,
                                             0x01, 0x01, 0x00, 0x04, 0x44, 0x01, 0xC1, 0x72, 0x00, 0x03, 0x26, 0x01,
                                             0xAF}));
}

TEST(RtpHevc, DepayloadsApAndFu) {
    const std::vector<Bytes> packets = {
        pkt(false, 500, {0x60, 0x01, 0x00, 0x04, 0x40, 0x01, 0x0C, 0x01, 0x00, 0x04, 0x42, 0x01, 0x01, 0x01, 0x00,
                         0x04, 0x44, 0x01, 0xC1, 0x72}),
        pkt(false, 501, cat({{0x62, 0x01, 0x93}, ramp(0x30, 5)})),  // S, FuType 19 (IDR_W_RADL)
        pkt(false, 502, cat({{0x62, 0x01, 0x13}, ramp(0x35, 5)})),
        pkt(true, 503, cat({{0x62, 0x01, 0x53}, ramp(0x3A, 2)})),
    };
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::HEVC, packets, &stats);
    ASSERT_EQ(frames.size(), 1u);
    ASSERT_TRUE(frames[0].complete);
    EXPECT_TRUE(frames[0].keyframe);
    EXPECT_EQ(frames[0].data, cat({kSc, kVps, kSc, kSps, kSc, kPps, kSc, {0x26, 0x01}, ramp(0x30, 12)}));
    EXPECT_EQ(stats.malformed, 0u);
}

TEST(RtpHevc, FragmentWithoutStartIsIncomplete) {
    const std::vector<Bytes> packets = {
        pkt(false, 20, cat({{0x62, 0x01, 0x13}, ramp(0x35, 5)})),  // middle fragment, no start
        pkt(true, 21, cat({{0x62, 0x01, 0x53}, ramp(0x3A, 2)})),
    };
    rtp::DepayloaderStats stats;
    const auto frames = depayload(Codec::HEVC, packets, &stats);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_FALSE(frames[0].complete);
    EXPECT_EQ(stats.malformed, 1u);
}
