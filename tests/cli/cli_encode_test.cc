// The `nvcast` binary end to end: probe, encode to every output kind, --psnr, --json.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace nvcast::test {
namespace {

TEST(Cli, HelpExplainsCommandsAndOptions) {
    const auto top = run_cli("--help");
    EXPECT_EQ(top.exit_code, 0);
    EXPECT_NE(top.output.find("encode"), std::string::npos);
    EXPECT_NE(top.output.find("probe"), std::string::npos);
    const auto encode = run_cli("encode --help");
    EXPECT_EQ(encode.exit_code, 0);
    for (const char* text : {"synthetic:WIDTHxHEIGHT", "--bitrate", "--psnr", "Examples:", "p1 (fastest)"})
        EXPECT_NE(encode.output.find(text), std::string::npos) << text;
}

TEST(Cli, ProbeListsEveryBackendWithAvailability) {
    const auto r = run_cli("probe --json");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output);
    ASSERT_FALSE(j["backends"].empty());
    for (const auto& b : j["backends"]) {
        EXPECT_TRUE(b.contains("available"));
        if (!b["available"].get<bool>()) {
            EXPECT_FALSE(b["reason"].get<std::string>().empty()) << b.dump();
        }
    }
    const auto text = run_cli("probe");
    EXPECT_NE(text.output.find("x264"), std::string::npos) << text.output;
}

struct OutputCase {
    std::string codec, file;
};

class CliEncode : public ::testing::TestWithParam<OutputCase> {};

TEST_P(CliEncode, EncodesDecodableOutputWithPsnrAndJson) {
    TempDir dir;
    const std::string out = dir.file(GetParam().file);
    const auto r = run_cli("encode synthetic:256x144@30:20 --codec " + GetParam().codec +
                           " --preset p1 --psnr --json -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
    EXPECT_EQ(j["frames"], 20);
    EXPECT_EQ(j["packets"], 20);
    EXPECT_GT(j["psnr"]["average"].get<double>(), 30.0);
    EXPECT_NE(j["selection"].get<std::string>().find("auto: picked"), std::string::npos);
    EXPECT_EQ(decode_all(out).size(), 20u);
}

INSTANTIATE_TEST_SUITE_P(Outputs, CliEncode,
                         ::testing::Values(OutputCase{"h264", "a.h264"}, OutputCase{"h264", "a.mp4"},
                                           OutputCase{"hevc", "a.hevc"}, OutputCase{"hevc", "a.mkv"},
                                           OutputCase{"h264", "a.ts"}, OutputCase{"av1", "a.ivf"},
                                           OutputCase{"av1", "a.mp4"}),
                         [](const auto& param) {
                             std::string ext = param.param.file.substr(param.param.file.find('.') + 1);
                             return param.param.codec + "_" + ext;
                         });

TEST(Cli, SummaryReportsBitrateQpAndFrameCount) {
    TempDir dir;
    test::write_y4m(dir.file("in.y4m"), synthetic_frames(128, 96, 12));
    const auto r = run_cli("encode " + dir.file("in.y4m") + " --rc cbr --bitrate 300k --gop 5 -o " + dir.file("o.h264"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("encoded 12 frames (128x96 h264, cbr) with x264"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("3 keyframes"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("average QP"), std::string::npos) << r.output;
}

TEST(Cli, RawInputWithSizeAndFormat) {
    TempDir dir;
    write_raw(dir.file("in.yuv"), synthetic_frames(64, 48, 6, PixelFormat::NV12));
    const auto r = run_cli("encode " + dir.file("in.yuv") + " --size 64x48 --input-format nv12 --fps 25 --psnr -o " +
                           dir.file("o.h264"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("encoded 6 frames"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("PSNR vs input (6 frames)"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace nvcast::test
