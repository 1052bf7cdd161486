// Issue 19 on a GPU: frames in CUDA device memory between two processes. `nvcast capture
// cuda-synthetic:… --publish` exports its ring once (a virtual-memory allocation as a file
// descriptor) and `nvcast encode ipc:NAME -b nvh264` maps it once and encodes straight from it:
// no pixel is copied on either side, the bitstream is byte-for-byte the one the same encode makes
// in one process, and kill -9 of either process is survived by the other.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "nvcast/convert.h"
#include "split_test_support.h"
#include "support/test_support.h"

namespace nvcast::test {
namespace {

std::string bytes_of(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

std::string channel(const char* what) { return channel_name("gpu", what); }

class GpuSplit : public ::testing::Test {
protected:
    void SetUp() override {
        if (!FrameConverter::gpu_available()) GTEST_SKIP() << FrameConverter::describe_gpu();
    }
};

TEST_F(GpuSplit, DeviceFramesCrossWithoutCopiesAndEncodeAsInOneProcess) {
    TempDir dir;
    const std::string ch = channel("plain"), cli = cli_path(), input = "cuda-synthetic:640x352@30:60";
    const std::string one = dir.file("one.h264"), split = dir.file("split.h264");
    const auto shm_before = shm_entries();
    const auto ref = run_cli("-q encode " + input + " -b nvh264 -o " + one, 120);
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
    const auto r = run_command("bash -c '" + cli + " capture " + input + " --publish " + ch + " 2> " + dir.file("cap.log") +
                                   " & c=$!; " + cli + " -q encode ipc:" + ch + " -b nvh264 --json -o " + split +
                                   "; echo enc=$?; wait $c; echo cap=$?; cat " + dir.file("cap.log") + "'",
                               120);
    EXPECT_NE(r.output.find("enc=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("cap=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("subscriber 1 took 60;"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("copies 0"), std::string::npos) << "the capture wrote into the shared ring\n" << r.output;
    EXPECT_EQ(number(r.output, "\"host_device_copies\": ([0-9]+)"), 0) << "the encoder read the shared ring\n" << r.output;
    EXPECT_EQ(number(r.output, "\"frames\": ([0-9]+)"), 60) << r.output;
    const std::string a = bytes_of(one), b = bytes_of(split);
    ASSERT_GT(a.size(), 1000u);
    EXPECT_TRUE(a == b) << "split: " << b.size() << " bytes, one process: " << a.size() << " bytes";
    EXPECT_EQ(shm_entries(), shm_before) << "nothing may be left in /dev/shm";
}

TEST_F(GpuSplit, AKilledEncoderIsReplacedAndTheFramesAddUp) {
    TempDir dir;
    const std::string ch = channel("enckill"), cli = cli_path();
    const auto shm_before = shm_entries();
    const auto r = run_command(
        "bash -c '" + cli + " capture cuda-synthetic:1280x720@30:150 --realtime --publish " + ch + " 2> " +
            dir.file("cap.log") + " & c=$!; " + cli + " -q encode ipc:" + ch + " -b nvh264 -o " + dir.file("a.h264") +
            " & a=$!; sleep 1.5; kill -9 $a; wait $a; " + cli + " -q encode ipc:" + ch + " -b nvh264 --json -o " +
            dir.file("b.h264") + "; echo enc=$?; wait $c; echo cap=$?; cat " + dir.file("cap.log") + "'",
        120);
    EXPECT_NE(r.output.find("enc=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("cap=0"), std::string::npos) << r.output;
    const int64_t first = number(r.output, "subscriber 1 took ([0-9]+) \\(went away\\)");
    const int64_t second = number(r.output, "subscriber 2 took ([0-9]+)");
    ASSERT_GT(first, 0) << r.output;
    ASSERT_GT(second, 0) << r.output;
    EXPECT_EQ(first + second, 150) << "published = taken by the two subscribers (no drops when waiting)";
    EXPECT_EQ(number(r.output, "\"frames\": ([0-9]+)"), second) << "the second encoder encoded every frame it was sent";
    EXPECT_EQ(shm_entries(), shm_before);
}

TEST_F(GpuSplit, AKilledCaptureIsWaitedForAndTheRestartedOneContinues) {
    TempDir dir;
    const std::string ch = channel("capkill"), cli = cli_path();
    const auto shm_before = shm_entries();
    const auto r = run_command(
        "bash -c '" + cli + " capture cuda-synthetic:1280x720@30:300 --realtime --publish " + ch + " 2> /dev/null & c=$!; " +
            cli + " encode ipc:" + ch + " -b nvh264 --json -o " + dir.file("c.h264") + " > " + dir.file("enc.json") +
            " 2> " + dir.file("enc.log") + " & e=$!; sleep 1.5; kill -9 $c; wait $c; sleep 0.5; " + cli +
            " capture cuda-synthetic:1280x720@30:40 --publish " + ch + " 2> " + dir.file("cap2.log") +
            "; echo cap2=$?; wait $e; echo enc=$?; cat " + dir.file("enc.json") + " " + dir.file("enc.log") + " " +
            dir.file("cap2.log") + "'",
        120);
    EXPECT_NE(r.output.find("cap2=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("enc=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("the publisher went away"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("the publisher is back"), std::string::npos) << r.output;
    const int64_t before = number(r.output, "publisher went away after ([0-9]+) frames");
    ASSERT_GT(before, 0) << r.output;
    EXPECT_EQ(number(r.output, "\"frames\": ([0-9]+)"), before + 40) << "every frame of both captures\n" << r.output;
    EXPECT_EQ(shm_entries(), shm_before);
}

}  // namespace
}  // namespace nvcast::test
