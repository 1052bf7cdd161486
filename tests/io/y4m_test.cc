#include <fstream>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace nvcast {
namespace {

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// Expects opening and reading the whole file to throw an Error whose message contains `needle`.
void expect_read_error(const std::string& path, const std::string& needle) {
    try {
        auto src = open_source(path);
        Frame f;
        while (src->read(f)) {
        }
        FAIL() << "no error for " << path;
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

TEST(Y4m, ReadsFramesBackBitExact) {
    test::TempDir dir;
    for (PixelFormat format : {PixelFormat::I420, PixelFormat::I444, PixelFormat::I420_10, PixelFormat::I444_10}) {
        const auto frames = test::synthetic_frames(48, 32, 3, format);
        test::write_y4m(dir.file("a.y4m"), frames, 25, 1);
        auto src = open_source(dir.file("a.y4m"));
        EXPECT_EQ(src->info().width, 48);
        EXPECT_EQ(src->info().fps_num, 25);
        EXPECT_EQ(src->info().format, format);
        EXPECT_EQ(src->info().frame_count, 3);
        Frame f;
        for (const Frame& expected : frames) {
            ASSERT_TRUE(src->read(f));
            EXPECT_TRUE(frames_equal(expected, f));
        }
        EXPECT_FALSE(src->read(f));
    }
}

TEST(Y4m, ColorRangeTag) {
    test::TempDir dir;
    const auto frames = test::synthetic_frames(16, 16, 1);
    std::ofstream out(dir.file("r.y4m"), std::ios::binary);
    out << "YUV4MPEG2 W16 H16 F30:1 Ip C420jpeg XCOLORRANGE=FULL\nFRAME\n";
    out << std::string(frame_size_bytes(PixelFormat::I420, 16, 16), 'x');
    out.close();
    EXPECT_EQ(open_source(dir.file("r.y4m"))->info().color.range, ColorRange::Full);
}

TEST(Y4m, BadInputsGetSpecificErrors) {
    test::TempDir dir;
    expect_read_error(dir.file("missing.y4m"), "cannot open input");
    write_text(dir.file("notyuv.y4m"), "RIFF1234\n");
    expect_read_error(dir.file("notyuv.y4m"), "not a Y4M file");
    write_text(dir.file("nosize.y4m"), "YUV4MPEG2 F30:1\n");
    expect_read_error(dir.file("nosize.y4m"), "no W/H");
    write_text(dir.file("badtag.y4m"), "YUV4MPEG2 W16 H16 Fabc\n");
    expect_read_error(dir.file("badtag.y4m"), "bad header tag 'Fabc'");
    write_text(dir.file("cs.y4m"), "YUV4MPEG2 W16 H16 C411\n");
    expect_read_error(dir.file("cs.y4m"), "C411 is not supported");
    write_text(dir.file("interlaced.y4m"), "YUV4MPEG2 W16 H16 It\n");
    expect_read_error(dir.file("interlaced.y4m"), "interlaced");
    write_text(dir.file("odd.y4m"), "YUV4MPEG2 W15 H16\n");
    expect_read_error(dir.file("odd.y4m"), "even dimensions");
    write_text(dir.file("cut.y4m"), "YUV4MPEG2 W16 H16");
    expect_read_error(dir.file("cut.y4m"), "cut off");

    const auto frames = test::synthetic_frames(16, 16, 2);
    test::write_y4m(dir.file("trunc.y4m"), frames);
    std::filesystem::resize_file(dir.file("trunc.y4m"), std::filesystem::file_size(dir.file("trunc.y4m")) - 10);
    expect_read_error(dir.file("trunc.y4m"), "truncated: frame 1 has 374 of 384 bytes");

    test::write_y4m(dir.file("badframe.y4m"), frames);
    {
        std::fstream f(dir.file("badframe.y4m"), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(std::string("YUV4MPEG2 W16 H16 F30:1 Ip A1:1 C420jpeg\n").size()));
        f << "FRAXE";
    }
    expect_read_error(dir.file("badframe.y4m"), "does not start with FRAME");
}

}  // namespace
}  // namespace nvcast
