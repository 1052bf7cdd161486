// Every software backend x every rate-control mode: the output decodes with
// libavcodec to the same number of frames, the right size, and good PSNR.
#include <gtest/gtest.h>

#include "backends/backend_cases.h"

namespace nvcast::test {
namespace {

using Param = std::tuple<BackendCase, RateControlMode>;

class EncodeDecode : public ::testing::TestWithParam<Param> {};

TEST_P(EncodeDecode, DecodesToSourceFramesWithGoodPsnr) {
    const auto& [backend, mode] = GetParam();
    const EncoderConfig config = small_config(backend, mode);
    const auto frames = synthetic_frames(config.width, config.height, 30);
    const auto packets = encode_all(backend.backend, config, frames);
    ASSERT_EQ(packets.size(), frames.size());
    EXPECT_TRUE(packets.front().keyframe);

    TempDir dir;
    const auto decoded = decode_packets(dir.file("out" + backend.extension), config, packets);
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_EQ(decoded[0].width(), config.width);
    EXPECT_EQ(decoded[0].height(), config.height);
    EXPECT_EQ(decoded[0].format(), PixelFormat::I420);
    const double psnr = mean_psnr(frames, decoded);
    EXPECT_GT(psnr, 30.0) << "PSNR " << psnr;
    EXPECT_LT(psnr, 99.0) << "lossy modes should not be lossless";
}

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
    return case_name(std::get<0>(info.param)) + "_" + std::string(to_string(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(AllModes, EncodeDecode,
                         ::testing::Combine(::testing::ValuesIn(software_backends()),
                                            ::testing::Values(RateControlMode::CQP, RateControlMode::CBR,
                                                              RateControlMode::VBR, RateControlMode::ConstantQuality)),
                         param_name);

}  // namespace
}  // namespace nvcast::test
