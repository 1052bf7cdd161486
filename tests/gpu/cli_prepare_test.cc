// `nvcast encode` with frame preparation: packed RGB input, --scale, --tonemap and bad options.
#include <gtest/gtest.h>

#include "gpu_test_util.h"
#include "support/test_support.h"

namespace nvcast {
namespace {

std::string raw_file(const test::TempDir& dir, PixelFormat f, int w, int h, int frames) {
    const std::string path = dir.file(std::string("in.") + std::string(to_string(f)));
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < frames; ++i) {
        Frame fr = Frame::allocate(f, w, h);
        test::fill_random(fr, static_cast<uint32_t>(i + 1));
        for (int p = 0; p < fr.plane_count(); ++p)
            for (int y = 0; y < plane_rows(f, h, p); ++y)
                out.write(reinterpret_cast<const char*>(fr.data(p) + static_cast<size_t>(y) * fr.pitch(p)),
                          static_cast<std::streamsize>(plane_row_bytes(f, w, p)));
    }
    return path;
}

TEST(CliPrepare, BgraInputIsConvertedAndScaled) {
    if (test::cli_path().empty()) GTEST_SKIP() << "nvcast CLI not built";
    test::TempDir dir;
    const std::string in = raw_file(dir, PixelFormat::BGRA, 160, 96, 3);
    const auto r = test::run_cli("encode '" + in + "' --size 160x96 --input-format bgra --fps 30 --scale 80x48 -o '" +
                                 dir.file("out.h264") + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("frame preparation: bgra 160x96 -> i420 80x48"), std::string::npos) << r.output;
    EXPECT_TRUE(r.output.find("CPU reference") != std::string::npos || r.output.find("GPU (CUDA)") != std::string::npos)
        << r.output;
}

TEST(CliPrepare, ToneMapsALabelledHdrInput) {
    if (test::cli_path().empty()) GTEST_SKIP() << "nvcast CLI not built";
    test::TempDir dir;
    const std::string in = raw_file(dir, PixelFormat::P010, 128, 64, 2);
    const auto r = test::run_cli("encode '" + in + "' --size 128x64 --input-format p010 --fps 30 --tonemap hable "
                                 "--input-transfer pq -o '" + dir.file("out.h264") + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("tone map hable"), std::string::npos) << r.output;
}

TEST(CliPrepare, BadPreparationOptionsFailClearly) {
    if (test::cli_path().empty()) GTEST_SKIP() << "nvcast CLI not built";
    test::TempDir dir;
    const std::string in = raw_file(dir, PixelFormat::P010, 128, 64, 1);
    const std::string base = "encode '" + in + "' --size 128x64 --input-format p010 -o '" + dir.file("o.h264") + "' ";
    auto r = test::run_cli(base + "--tonemap hable");  // not labelled HDR
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("PQ or HLG"), std::string::npos) << r.output;
    r = test::run_cli(base + "--scale 99");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("WIDTHxHEIGHT"), std::string::npos) << r.output;
    r = test::run_cli(base + "--scale 127x64");  // odd width for 4:2:0
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("even"), std::string::npos) << r.output;
    r = test::run_cli(base + "--tonemap aces --input-transfer pq");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("bt2390"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace nvcast
