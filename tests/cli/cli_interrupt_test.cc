// Issue 13, finding 3: Ctrl-C / SIGTERM during `encode` finishes cleanly — the encoder is flushed,
// the file finalised (an MP4 with its index, an MKV with its cues, whole Annex-B access units),
// the summary says so — and the exit status is 128 + the signal.
#include <gtest/gtest.h>

#include <regex>

#include "nvcast/decode.h"
#include "support/test_support.h"

namespace nvcast::test {
namespace {

struct Interrupted {
    int exit_code = -1;
    std::string output;
};

// Starts an endless encode, sends `signal` after a second, waits for the CLI to end.
Interrupted interrupt_encode(const std::string& output, const char* signal) {
    const std::string cli = cli_path();
    const auto r = run_command("bash -c '" + cli + " -q encode synthetic:320x240@30:1000000 -c h264 -o " + output +
                                   " & pid=$!; sleep 1; kill -" + signal + " $pid; wait $pid; echo exit=$?'",
                               60);
    Interrupted i;
    i.output = r.output;
    std::smatch m;
    if (std::regex_search(r.output, m, std::regex("exit=([0-9]+)"))) i.exit_code = std::stoi(m[1]);
    return i;
}

int64_t frames_in_summary(const std::string& output) {
    std::smatch m;
    if (!std::regex_search(output, m, std::regex("encoded ([0-9]+) frames"))) return -1;
    return std::stoll(m[1]);
}

class CliInterrupt : public ::testing::TestWithParam<const char*> {};

TEST_P(CliInterrupt, FirstSignalFinalisesAPlayableFile) {
    TempDir dir;
    const std::string path = dir.file(std::string("out.") + GetParam());
    const Interrupted r = interrupt_encode(path, "INT");
    EXPECT_EQ(r.exit_code, 130) << r.output;
    EXPECT_NE(r.output.find("interrupted by SIGINT"), std::string::npos) << r.output;
    const int64_t frames = frames_in_summary(r.output);
    ASSERT_GT(frames, 0) << r.output;
    const std::vector<Frame> decoded = decode_all(path);
    EXPECT_EQ(static_cast<int64_t>(decoded.size()), frames) << "every frame read must be in the file";
}

INSTANTIATE_TEST_SUITE_P(Containers, CliInterrupt, ::testing::Values("mp4", "mkv", "h264"));

TEST(CliInterruptTerm, SigtermIsAnInterruptToo) {
    TempDir dir;
    const Interrupted r = interrupt_encode(dir.file("t.mp4"), "TERM");
    EXPECT_EQ(r.exit_code, 143) << r.output;
    EXPECT_NE(r.output.find("interrupted by SIGTERM"), std::string::npos) << r.output;
    EXPECT_EQ(static_cast<int64_t>(decode_all(dir.file("t.mp4")).size()), frames_in_summary(r.output));
}

}  // namespace
}  // namespace nvcast::test
