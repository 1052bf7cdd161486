// The second most used NVENC client drives the emulator: GStreamer's nvcodec plugin
// (gst-plugins-bad) registers nvh264enc / nvh265enc on it and encodes a clip that decodes to the source.
#include "emu_env.h"

namespace nvcast::test {
namespace {

class NvencGstreamer : public EmuTest, public ::testing::WithParamInterface<const char*> {
protected:
    // gst-launch with the emulator as the driver, a registry of its own (GStreamer caches which
    // plugins registered what: a cache made without the emulator would hide the encoders).
    std::string gst(const TempDir& dir, const std::string& tool) const {
        std::string env = "env LD_LIBRARY_PATH='" + emu_lib_dir() + "' GST_REGISTRY='" + dir.file("registry.bin") +
                          "' XDG_RUNTIME_DIR='" + dir.path().string() + "' ";
        if (std::string(NVCAST_ASAN_RUNTIME).size() > 0)
            env += "LD_PRELOAD='" + std::string(NVCAST_ASAN_RUNTIME) + "' ASAN_OPTIONS=detect_leaks=0 ";
        return env + tool;
    }
};

TEST_P(NvencGstreamer, EncodesAClipThatDecodes) {
    if (run_command("sh -c 'command -v gst-launch-1.0'").exit_code != 0) GTEST_SKIP() << "gst-launch-1.0 not installed";
    const std::string element = GetParam();
    TempDir dir;
    const auto inspect = run_command(gst(dir, "gst-inspect-1.0 " + element) + " 2>&1");
    ASSERT_EQ(inspect.exit_code, 0) << "nvcodec did not register " << element << " on the emulator:\n" << inspect.output;
    const auto frames = synthetic_frames(320, 240, 30);
    write_y4m(dir.file("in.y4m"), frames);
    const bool h264 = element == "nvh264enc";
    const std::string out = dir.file(h264 ? "out.h264" : "out.hevc");
    const auto r = run_command(gst(dir, "gst-launch-1.0 -q filesrc location='" + dir.file("in.y4m") +
                                            "' ! y4mdec ! " + element + " ! " + (h264 ? "h264parse" : "h265parse") +
                                            " ! filesink location='" + out + "'"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto decoded = decode_all(out);
    ASSERT_EQ(decoded.size(), frames.size()) << r.output;
    EXPECT_EQ(decoded[0].width(), 320);
    EXPECT_EQ(decoded[0].height(), 240);
    EXPECT_GT(mean_psnr(frames, decoded), 30.0);
}

INSTANTIATE_TEST_SUITE_P(Elements, NvencGstreamer, ::testing::Values("nvh264enc", "nvh265enc"));

}  // namespace
}  // namespace nvcast::test
