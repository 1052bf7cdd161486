// Issue 19 through the CLI: `nvcast capture --publish` in one process, `nvcast encode ipc:NAME` in
// another; every frame decodes, and kill -9 of either process is survived by the other, with
// the frames accounted for and nothing left in /dev/shm.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "nvcast/decode.h"
#include "nvcast/features.h"
#include "nvcast/quality.h"
#include "split_test_support.h"
#include "support/test_support.h"

namespace nvcast::test {
namespace {

std::string name(const char* what) { return channel_name("cli", what); }

TEST(SplitCli, CaptureAndEncodeInTwoProcessesDeliverEveryFrame) {
    TempDir dir;
    const std::string ch = name("plain"), out = dir.file("out.mp4");
    const auto shm_before = shm_entries();
    const auto r = run_command("bash -c '" + cli_path() + " capture synthetic:160x120@30:90 --publish " + ch +
                                   " 2> " + dir.file("cap.log") + " & c=$!; " + cli_path() + " -q encode ipc:" + ch +
                                   " -b x264 -o " + out + "; echo enc=$?; wait $c; echo cap=$?; cat " +
                                   dir.file("cap.log") + "'",
                               120);
    EXPECT_NE(r.output.find("enc=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("cap=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("subscriber 1 took 90;"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("copies 0"), std::string::npos) << r.output;
    const std::vector<Frame> decoded = decode_all(out);
    ASSERT_EQ(decoded.size(), 90u);
    const std::vector<Frame> source = synthetic_frames(160, 120, 90);
    EXPECT_GT(compute_psnr(source[45], decoded[45]).y, 30.0);
    EXPECT_EQ(shm_entries(), shm_before) << "nothing may be left in /dev/shm";
}

TEST(SplitCli, AKilledEncoderIsReplacedAndTheFramesAddUp) {
    TempDir dir;
    const std::string ch = name("enckill"), b = dir.file("b.mp4");
    const auto shm_before = shm_entries();
    const std::string cli = cli_path();
    const auto r = run_command(
        "bash -c '" + cli + " capture synthetic:160x120@30:150 --realtime --publish " + ch + " 2> " + dir.file("cap.log") +
            " & c=$!; " + cli + " -q encode ipc:" + ch + " -b x264 -o " + dir.file("a.mp4") +
            " & a=$!; sleep 1.5; kill -9 $a; wait $a; " + cli + " -q encode ipc:" + ch + " -b x264 -o " + b +
            "; echo enc=$?; wait $c; echo cap=$?; cat " + dir.file("cap.log") + "'",
        120);
    EXPECT_NE(r.output.find("enc=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("cap=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("subscriber 1 went away"), std::string::npos) << r.output;
    const int64_t first = number(r.output, "subscriber 1 took ([0-9]+) \\(went away\\)");
    const int64_t second = number(r.output, "subscriber 2 took ([0-9]+)");
    ASSERT_GT(first, 0) << r.output;
    ASSERT_GT(second, 0) << r.output;
    EXPECT_EQ(first + second, 150) << "published = taken by the two subscribers (no drops when waiting)";
    EXPECT_EQ(static_cast<int64_t>(decode_all(b).size()), second) << "the second encoder got every frame it was sent";
    EXPECT_EQ(shm_entries(), shm_before);
}

TEST(SplitCli, AKilledCaptureIsWaitedForAndTheRestartedOneContinues) {
    TempDir dir;
    const std::string ch = name("capkill"), out = dir.file("c.mp4");
    const auto shm_before = shm_entries();
    const std::string cli = cli_path();
    const auto r = run_command(
        "bash -c '" + cli + " capture synthetic:160x120@30:300 --realtime --publish " + ch + " 2> /dev/null & c=$!; " +
            cli + " encode ipc:" + ch + " --timeout 10 -b x264 -o " + out + " > " + dir.file("enc.log") +
            " 2>&1 & e=$!; sleep 1.5; kill -9 $c; wait $c; sleep 0.5; " + cli + " capture synthetic:160x120@30:30 --publish " +
            ch + " 2> " + dir.file("cap2.log") + "; echo cap=$?; wait $e; echo enc=$?; cat " + dir.file("enc.log") + " " +
            dir.file("cap2.log") + "'",
        120);
    EXPECT_NE(r.output.find("cap=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("enc=0"), std::string::npos) << r.output;
    const int64_t before = number(r.output, "publisher went away after ([0-9]+) frames");
    ASSERT_GT(before, 0) << r.output;
    EXPECT_NE(r.output.find("the publisher is back"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("subscriber 1 took 30;"), std::string::npos) << r.output;
    const int64_t encoded = number(r.output, "encoded ([0-9]+) frames");
    EXPECT_EQ(encoded, before + 30) << r.output;
    EXPECT_EQ(static_cast<int64_t>(decode_all(out).size()), encoded);
    EXPECT_EQ(shm_entries(), shm_before);
}

TEST(SplitCli, CaptureEncodeAndRelayAsThreeProcesses) {
    TempDir dir;
    const std::string frames = name("chain-frames"), packets = name("chain-packets"), out = dir.file("relayed.h264");
    const std::string cli = cli_path();
    const auto r = run_command(
        "bash -c '" + cli + " relay ipc:" + packets + " -o " + out + " > " + dir.file("relay.log") + " 2>&1 & r=$!; " +
            cli + " capture synthetic:160x120@30:90 --publish " + frames + " 2> /dev/null & c=$!; " + cli +
            " -q encode ipc:" + frames + " -b x264 --tune ll -o ipc:" + packets + "; echo enc=$?; wait $r; echo relay=$?; " +
            "wait $c; cat " + dir.file("relay.log") + "'",
        120);
    EXPECT_NE(r.output.find("enc=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("relay=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("relayed 90 packets"), std::string::npos) << r.output;
    EXPECT_EQ(decode_all(out).size(), 90u);
}

TEST(SplitCli, AKilledEncoderIsWaitedForByTheRelayAndTheRestartedOneContinues) {
    TempDir dir;
    const std::string frames = name("rk-frames"), packets = name("rk-packets"), out = dir.file("relayed.h264");
    const std::string cli = cli_path();
    const std::string encode = cli + " -q encode ipc:" + frames + " -b x264 --tune ll -o ipc:" + packets;
    const auto r = run_command(
        "bash -c '" + cli + " relay ipc:" + packets + " --timeout 10 -o " + out + " > " + dir.file("relay.log") +
            " 2>&1 & r=$!; " + cli + " capture synthetic:160x120@30:120 --realtime --publish " + frames +
            " 2> /dev/null & c=$!; " + encode + " & e=$!; sleep 1.5; kill -9 $e; wait $e; sleep 0.3; " + encode +
            "; echo enc=$?; wait $r; echo relay=$?; wait $c; cat " + dir.file("relay.log") + "'",
        120);
    EXPECT_NE(r.output.find("enc=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("relay=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("the encoder went away"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("the encoder is back"), std::string::npos) << r.output;
    const int64_t relayed = number(r.output, "relayed ([0-9]+) packets");
    ASSERT_GT(relayed, 0) << r.output;
    EXPECT_EQ(static_cast<int64_t>(decode_all(out).size()), relayed) << "both encoders' streams decode whole";
}

#if NVCAST_HAVE_TOML
TEST(SplitCli, APipelineFileRunsSplitAndAKilledCaptureIsRestarted) {
    TempDir dir;
    const std::string toml = dir.file("split.toml"), a = dir.file("a.mp4"), b = dir.file("b.mkv");
    std::ofstream(toml) << "[defaults]\ncodec = \"h264\"\nbackend = \"x264\"\nrealtime = true\n\n"
                        << "[[stream]]\nname = \"a\"\ninput = \"synthetic:160x120@30:90\"\noutputs = [\"" << a << "\"]\n\n"
                        << "[[stream]]\nname = \"b\"\ninput = \"synthetic:160x120@30:60\"\noutputs = [\"" << b
                        << "\", \"rtp://127.0.0.1:" << (40000 + ::getpid() % 20000) << "\"]\n";
    const std::string log = dir.file("split.log");
    const auto r = run_command("bash -c '" + cli_path() + " pipeline " + toml + " --split > " + dir.file("out.txt") +
                                   " 2> " + log + " & p=$!; sleep 1.5; " +
                                   "pid=$(sed -n \"s/.*capture process of stream .a. started (pid \\([0-9]*\\)).*/\\1/p\" " +
                                   log + " | head -1); kill -9 $pid; wait $p; echo exit=$?; cat " + dir.file("out.txt") +
                                   " " + log + "'",
                               120);
    EXPECT_NE(r.output.find("exit=0"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("was killed by signal 9; starting it again (restart 1 of 5)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("split: 2 capture and 1 relay processes, 1 restarts"), std::string::npos) << r.output;
    // The restarted capture publishes its input from the start: stream a gets more than 90 frames,
    // every one of them in the file.
    const int64_t encoded_a = number(r.output, "a: finished, [0-9]+ frames in -> ([0-9]+) encoded");
    EXPECT_GT(encoded_a, 90) << r.output;
    EXPECT_EQ(static_cast<int64_t>(decode_all(a).size()), encoded_a);
    EXPECT_EQ(decode_all(b).size(), 60u);
    EXPECT_NE(r.output.find("relayed 60 packets"), std::string::npos) << r.output;
}
#endif

}  // namespace
}  // namespace nvcast::test
