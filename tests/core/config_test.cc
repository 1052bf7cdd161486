#include <gtest/gtest.h>

#include "nvcast/nvcast.h"

namespace nvcast {
namespace {

EncoderConfig good_config() {
    EncoderConfig c;
    c.width = 320;
    c.height = 240;
    return c;
}

// Expects validate() to throw InvalidArgument with a message naming `field`.
void expect_rejected(const EncoderConfig& c, const std::string& field) {
    try {
        validate(c);
        FAIL() << "config with bad " << field << " was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
        EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("allowed"), std::string::npos) << e.what();
    }
}

TEST(Config, DefaultsWithSizeAreValid) { EXPECT_NO_THROW(validate(good_config())); }

TEST(Config, RejectsEachBadFieldByName) {
    auto c = good_config();
    c.width = 8;
    expect_rejected(c, "width");
    c = good_config();
    c.height = 100000;
    expect_rejected(c, "height");
    c = good_config();
    c.width = 321;  // odd with 4:2:0
    expect_rejected(c, "width x height");
    c = good_config();
    c.preset = 9;
    expect_rejected(c, "preset");
    c = good_config();
    c.bit_depth = 12;
    expect_rejected(c, "bit_depth");
    c = good_config();
    c.gop_length = 0;
    expect_rejected(c, "gop_length");
    c = good_config();
    c.rc.qp = 52;
    expect_rejected(c, "rc.qp");
    c = good_config();
    c.rc.mode = RateControlMode::CBR;
    c.rc.bitrate = 0;
    expect_rejected(c, "rc.bitrate");
    c.rc.bitrate = -5;
    expect_rejected(c, "rc.bitrate");
    c = good_config();
    c.rc.mode = RateControlMode::VBR;
    c.rc.bitrate = 2'000'000;
    c.rc.max_bitrate = 1'000'000;
    expect_rejected(c, "rc.max_bitrate");
    c = good_config();
    c.intra_refresh = true;
    c.b_frames = 2;
    expect_rejected(c, "intra_refresh");
    c = good_config();
    c.tuning = Tuning::Lossless;
    c.rc.mode = RateControlMode::CBR;
    c.rc.bitrate = 1000;
    expect_rejected(c, "tuning");
}

TEST(Config, Av1QpIsTheQuantizerScale) {
    // AV1 QPs are on the 0..63 quantizer scale of libaom/SVT-AV1 (NVENC's qindex is derived from it).
    auto c = good_config();
    c.codec = Codec::AV1;
    c.rc.qp = 63;
    EXPECT_NO_THROW(validate(c));
    c.rc.qp = 64;
    EXPECT_THROW(validate(c), Error);
    c.codec = Codec::H264;
    c.rc.qp = 52;
    EXPECT_THROW(validate(c), Error);
}

TEST(Config, InfiniteGopIsValid) {
    auto c = good_config();
    c.gop_length = kInfiniteGop;
    EXPECT_NO_THROW(validate(c));
}

TEST(Parse, BitrateSuffixes) {
    EXPECT_EQ(parse_bitrate("5M"), 5'000'000);
    EXPECT_EQ(parse_bitrate("800k"), 800'000);
    EXPECT_EQ(parse_bitrate("2.5M"), 2'500'000);
    EXPECT_EQ(parse_bitrate("123456"), 123456);
    for (const char* bad : {"", "abc", "5X", "-1M", "0", "M", "1e400"}) {
        EXPECT_THROW(parse_bitrate(bad), Error) << bad;
    }
}

TEST(Parse, NamesAndErrors) {
    EXPECT_EQ(parse_codec("H265"), Codec::HEVC);
    EXPECT_EQ(parse_codec("avc"), Codec::H264);
    EXPECT_EQ(parse_tuning("ull"), Tuning::UltraLowLatency);
    EXPECT_EQ(parse_rate_control("crf"), RateControlMode::ConstantQuality);
    EXPECT_EQ(parse_pixel_format("yuv420p10le"), PixelFormat::I420_10);
    try {
        parse_codec("vp9");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("vp9"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("h264, hevc, av1"), std::string::npos);
    }
    EXPECT_THROW(parse_pixel_format("yuv411p"), Error);
}

TEST(Backends, UnknownBackendListsKnownOnes) {
    try {
        open_encoder("nope", good_config());
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
        EXPECT_NE(std::string(e.what()).find("unknown backend 'nope'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("auto"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace nvcast
