// nvcast's software paths against the ffmpeg CLI driving the same library with
// the same settings: PSNR must agree within 0.5 dB.
#include <gtest/gtest.h>

#include "backends/backend_cases.h"

namespace nvcast::test {
namespace {

using Param = std::tuple<BackendCase, RateControlMode>;

class FfmpegPeer : public ::testing::TestWithParam<Param> {};

TEST_P(FfmpegPeer, PsnrWithinHalfDecibelOfFfmpeg) {
    if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not installed";
    const auto& [backend, mode] = GetParam();
    const EncoderConfig config = small_config(backend, mode);
    const auto frames = synthetic_frames(config.width, config.height, 60);
    TempDir dir;

    const auto ours = decode_packets(dir.file("ours" + backend.extension), config, encode_all(backend.backend, config, frames));
    write_y4m(dir.file("in.y4m"), frames, config.fps_num, config.fps_den);
    const std::string peer_file = dir.file("peer" + backend.extension);
    const auto r = run_command(ffmpeg_path() + " -nostdin -hide_banner -loglevel error -y -i " + dir.file("in.y4m") + " " +
                               ffmpeg_encoder_args(backend, config) + " " + peer_file);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto theirs = decode_all(peer_file);

    ASSERT_EQ(ours.size(), frames.size());
    ASSERT_EQ(theirs.size(), frames.size());
    const double our_psnr = mean_psnr(frames, ours), their_psnr = mean_psnr(frames, theirs);
    EXPECT_NEAR(our_psnr, their_psnr, 0.5) << "nvcast " << our_psnr << " dB, ffmpeg " << their_psnr << " dB";
}

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
    return case_name(std::get<0>(info.param)) + "_" + std::string(to_string(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(CqpAndCbr, FfmpegPeer,
                         ::testing::Combine(::testing::ValuesIn(software_backends()),
                                            ::testing::Values(RateControlMode::CQP, RateControlMode::CBR)),
                         param_name);

}  // namespace
}  // namespace nvcast::test
