#include <gtest/gtest.h>

#include "nvcast/nvcast.h"
#include "nvcast/bitstream.h"

namespace nvcast {
namespace {

TEST(AnnexB, SplitsThreeAndFourByteStartCodes) {
    const std::vector<uint8_t> s = {0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5, 6};
    const auto nals = split_annexb(s);
    ASSERT_EQ(nals.size(), 3u);
    EXPECT_EQ(h264_nal_type(nals[0]), h264_nal::kSps);
    EXPECT_EQ(nals[0].size, 3u);
    EXPECT_EQ(h264_nal_type(nals[1]), h264_nal::kPps);
    EXPECT_EQ(nals[1].size, 2u);  // the zero before the 4-byte start code is not part of it
    EXPECT_EQ(h264_nal_type(nals[2]), h264_nal::kIdr);
    EXPECT_EQ(nals[2].size, 4u);
    EXPECT_TRUE(is_keyframe_access_unit(Codec::H264, s));
}

TEST(AnnexB, EmptyAndGarbage) {
    EXPECT_TRUE(split_annexb({}).empty());
    const std::vector<uint8_t> junk = {1, 2, 3, 4};
    EXPECT_TRUE(split_annexb(junk).empty());
}

TEST(Leb128, RoundTripsAndRejectsTruncation) {
    for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, 1ull << 35}) {
        std::vector<uint8_t> buf;
        write_leb128(v, buf);
        uint64_t back = 0;
        EXPECT_EQ(read_leb128(buf.data(), buf.size(), &back), buf.size());
        EXPECT_EQ(back, v);
    }
    const uint8_t cut[] = {0x80, 0x80};
    uint64_t v = 0;
    EXPECT_EQ(read_leb128(cut, sizeof cut, &v), 0u);
}

TEST(Obu, ParsesSizedObusAndRejectsTruncated) {
    // Temporal delimiter (type 2, size 0), then a padding OBU (type 15) of 3 bytes.
    const std::vector<uint8_t> data = {0x12, 0x00, 0x7a, 0x03, 9, 9, 9};
    const auto obus = parse_obus(data);
    ASSERT_EQ(obus.size(), 2u);
    EXPECT_EQ(obus[0].type, ObuType::TemporalDelimiter);
    EXPECT_EQ(obus[0].payload_size, 0u);
    EXPECT_EQ(obus[1].type, ObuType::Padding);
    EXPECT_EQ(obus[1].payload_size, 3u);
    const std::vector<uint8_t> truncated = {0x7a, 0x05, 1, 2};
    EXPECT_THROW(parse_obus(truncated), Error);
}

}  // namespace
}  // namespace nvcast
