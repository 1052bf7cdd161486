// Issue 13, finding 6: at the size limits every backend either makes a stream libavcodec decodes
// at the requested size, or refuses with the limit named — through the real binary.
#include <gtest/gtest.h>

#include "nvcast/decode.h"
#include "support/test_support.h"

namespace nvcast::test {
namespace {

struct Case {
    const char* backend;
    const char* codec;
    int width, height;
    const char* refusal;  // nullptr: must encode and decode
};

class CliSizeLimits : public ::testing::TestWithParam<Case> {};

TEST_P(CliSizeLimits, EncodesDecodablyOrNamesTheLimit) {
    const Case& c = GetParam();
    TempDir dir;
    const std::string size = std::to_string(c.width) + "x" + std::to_string(c.height);
    const auto r = run_cli("-q encode synthetic:" + size + "@30:2 -b " + c.backend + " -c " + c.codec +
                           " --preset p1 -o " + dir.file("out.mkv"));
    if (c.refusal) {
        EXPECT_EQ(r.exit_code, 1) << r.output;
        EXPECT_NE(r.output.find(c.refusal), std::string::npos) << r.output;
        return;
    }
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto frames = decode_all(dir.file("out.mkv"));
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].width(), c.width);
    EXPECT_EQ(frames[0].height(), c.height);
}

std::string name_of(const ::testing::TestParamInfo<Case>& info) {
    return std::string(info.param.backend) + "_" + std::to_string(info.param.width) + "x" +
           std::to_string(info.param.height);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, CliSizeLimits,
    ::testing::Values(Case{"x264", "h264", 16, 16, nullptr}, Case{"x264", "h264", 18, 18, nullptr},
                      Case{"x264", "h264", 4096, 16, nullptr}, Case{"x264", "h264", 16, 4096, nullptr},
                      Case{"x264", "h264", 16384, 16, nullptr}, Case{"x264", "h264", 8, 8, "allowed: 16..16384"},
                      Case{"x265", "hevc", 16, 16, nullptr}, Case{"x265", "hevc", 18, 18, nullptr},
                      Case{"x265", "hevc", 4096, 16, nullptr}, Case{"x265", "hevc", 16, 4208, nullptr},
                      Case{"x265", "hevc", 16, 4210, "may be at most 4208 on the other"},
                      Case{"x265", "hevc", 8192, 16, "may be at most 4208 on the other"},
                      Case{"svtav1", "av1", 64, 64, nullptr}, Case{"svtav1", "av1", 62, 64, "needs at least 64x64"},
                      Case{"svtav1", "av1", 4096, 16, "needs at least 64x64"},
                      Case{"nvh264", "h264", 16, 16, nullptr}, Case{"nvh264", "h264", 18, 18, nullptr},
                      Case{"nvh264", "h264", 8192, 16, nullptr},
                      Case{"nvh264", "h264", 16384, 16, "exceeds H.264 Level 5.2"}),
    name_of);

}  // namespace
}  // namespace nvcast::test
