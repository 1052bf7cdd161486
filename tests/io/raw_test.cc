#include <gtest/gtest.h>

#include "support/test_support.h"

namespace nvcast {
namespace {

TEST(Raw, ReadsFramesOfGivenSizeAndFormat) {
    test::TempDir dir;
    const auto frames = test::synthetic_frames(32, 16, 4, PixelFormat::NV12);
    test::write_raw(dir.file("a.yuv"), frames);
    InputOptions o;
    o.width = 32;
    o.height = 16;
    o.format = PixelFormat::NV12;
    auto src = open_source(dir.file("a.yuv"), o);
    EXPECT_EQ(src->info().frame_count, 4);
    Frame f;
    for (const Frame& expected : frames) {
        ASSERT_TRUE(src->read(f));
        EXPECT_TRUE(frames_equal(expected, f));
    }
    EXPECT_FALSE(src->read(f));
}

TEST(Raw, SizeThatDoesNotFitIsReported) {
    test::TempDir dir;
    test::write_raw(dir.file("a.yuv"), test::synthetic_frames(32, 16, 2));
    InputOptions o;
    o.width = 30;
    o.height = 16;
    try {
        open_source(dir.file("a.yuv"), o);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidData);
        EXPECT_NE(std::string(e.what()).find("not a multiple of one 30x16 i420 frame (720 bytes)"), std::string::npos)
            << e.what();
    }
}

TEST(Raw, NeedsSizeAndEvenDimensions) {
    test::TempDir dir;
    test::write_raw(dir.file("a.yuv"), test::synthetic_frames(32, 16, 1));
    try {
        open_source(dir.file("a.yuv"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("needs its frame size"), std::string::npos) << e.what();
    }
    InputOptions o;
    o.width = 31;
    o.height = 16;
    EXPECT_THROW(open_source(dir.file("a.yuv"), o), Error);
    o.format = PixelFormat::I444;  // odd widths are fine without subsampling
    o.width = 32;
    o.height = 8;
    EXPECT_NO_THROW(open_source(dir.file("a.yuv"), o));
}

}  // namespace
}  // namespace nvcast
