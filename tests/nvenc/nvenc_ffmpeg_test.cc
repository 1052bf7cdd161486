// An independent NVENC client drives the emulator: Debian's FFmpeg h264_nvenc and
// hevc_nvenc encode a clip through it, and the output decodes to the source.
#include "emu_env.h"

namespace nvcast::test {
namespace {

class NvencFfmpeg : public EmuTest, public ::testing::WithParamInterface<const char*> {};

// Runs FFmpeg against the emulator (an ASan-built emulator needs the ASan runtime preloaded).
std::string emulator_env(const std::string& faults = "") {
    std::string env = "env LD_LIBRARY_PATH='" + emu_lib_dir() + "' NVCAST_EMU_FAULTS='" + faults + "' ";
    if (std::string(NVCAST_ASAN_RUNTIME).size() > 0)
        env += "LD_PRELOAD='" + std::string(NVCAST_ASAN_RUNTIME) + "' ASAN_OPTIONS=detect_leaks=0 ";
    return env;
}

// FFmpeg's client with `extra` options encodes 30 frames that decode to the source, in display order.
void expect_ffmpeg_encodes(const std::string& encoder, const std::string& extra) {
    if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not installed";
    const auto probe = run_command("'" + ffmpeg_path() + "' -hide_banner -encoders");
    if (probe.output.find(encoder) == std::string::npos) GTEST_SKIP() << "this ffmpeg has no " << encoder;
    TempDir dir;
    const auto frames = synthetic_frames(320, 240, 30);
    write_y4m(dir.file("in.y4m"), frames);
    const std::string out = dir.file(encoder == "hevc_nvenc" ? "out.hevc" : "out.h264");
    const auto result = run_command(emulator_env() + "'" + ffmpeg_path() + "' -hide_banner -y -i '" + dir.file("in.y4m") +
                                    "' -c:v " + encoder + " -preset p4 " + extra + " -rc constqp -qp 24 '" + out + "'");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const auto decoded = decode_all(out);
    ASSERT_EQ(decoded.size(), frames.size()) << result.output;
    EXPECT_EQ(decoded[0].width(), 320);
    EXPECT_EQ(decoded[0].height(), 240);
    EXPECT_GT(mean_psnr(frames, decoded), 35.0);
}

TEST_P(NvencFfmpeg, EncodesAClipThatDecodes) { expect_ffmpeg_encodes(GetParam(), "-tune ll"); }

// With B-frames FFmpeg keeps frames in flight and reads outputs as they come (issue 13).
TEST_P(NvencFfmpeg, EncodesWithBFrames) {
    expect_ffmpeg_encodes(GetParam(), "-tune hq -bf 2");
    if (!have_ffmpeg()) return;
    TempDir dir;
    write_y4m(dir.file("in.y4m"), synthetic_frames(320, 240, 12));
    const std::string out = dir.file(std::string(GetParam()) == "hevc_nvenc" ? "b.hevc" : "b.h264");
    run_command(emulator_env() + "'" + ffmpeg_path() + "' -hide_banner -y -i '" +
                dir.file("in.y4m") + "' -c:v " + GetParam() + " -bf 2 -rc constqp -qp 24 '" + out + "'");
    const std::string ffprobe = ffmpeg_path().substr(0, ffmpeg_path().rfind('/') + 1) + "ffprobe";
    const auto types = run_command("'" + ffprobe + "' -v error -show_entries frame=pict_type -of csv=p=0 '" + out + "'");
    EXPECT_NE(types.output.find('B'), std::string::npos) << "no B-frames in the stream: " << types.output;
}

TEST_P(NvencFfmpeg, GpuWithoutNvencFailsCleanly) {
    if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not installed";
    TempDir dir;
    write_y4m(dir.file("in.y4m"), synthetic_frames(320, 240, 3));
    const auto result = run_command(emulator_env("no_encoder,gpu_name=NVIDIA H200") + "'" + ffmpeg_path() + "' -hide_banner -v verbose -y -i '" +
                                    dir.file("in.y4m") + "' -c:v " + GetParam() + " '" + dir.file("out.mkv") + "'");
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.output.find("NVIDIA H200"), std::string::npos) << result.output;  // from cuDeviceGetName
    EXPECT_NE(result.output.find("OpenEncodeSessionEx failed: unsupported device"), std::string::npos) << result.output;
}

INSTANTIATE_TEST_SUITE_P(Codecs, NvencFfmpeg, ::testing::Values("h264_nvenc", "hevc_nvenc"));

}  // namespace
}  // namespace nvcast::test
