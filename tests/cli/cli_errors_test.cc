// Bad input through the CLI: a specific message and a non-zero exit, never a crash.
#include <fstream>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace nvcast::test {
namespace {

// Runs the CLI and expects exit code 1 (nvcast error) or 2..127 (usage), not a signal,
// with `message` in the output.
void expect_failure(const std::string& args, const std::string& message) {
    const auto r = run_cli(args);
    EXPECT_NE(r.exit_code, 0) << args << "\n" << r.output;
    EXPECT_LT(r.exit_code, 128) << "crashed: " << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
}

class CliErrors : public ::testing::Test {
protected:
    TempDir dir;
    std::string out() const { return " -o " + dir.file("out.h264"); }
};

TEST_F(CliErrors, MissingFile) { expect_failure("encode " + dir.file("nope.y4m") + out(), "cannot open input"); }

TEST_F(CliErrors, TruncatedY4m) {
    write_y4m(dir.file("t.y4m"), synthetic_frames(64, 48, 3));
    std::filesystem::resize_file(dir.file("t.y4m"), std::filesystem::file_size(dir.file("t.y4m")) - 100);
    expect_failure("encode " + dir.file("t.y4m") + out(), "is truncated: frame 2");
}

// Found by y4m_fuzz: a header claiming a frame larger than the file made the reader allocate 12 GB.
TEST_F(CliErrors, Y4mHeaderLargerThanTheFile) {
    std::ofstream(dir.file("big.y4m")) << "YUV4MPEG2 W64 H4096 A\nFRAME\n0123456789";
    expect_failure("encode " + dir.file("big.y4m") + out(), "more than the whole file holds");
    std::ofstream(dir.file("huge.y4m")) << "YUV4MPEG2 W16 H94606444\nFRAME\n0123456789";
    expect_failure("encode " + dir.file("huge.y4m") + out(), "beyond 32768 samples per side");
}

TEST_F(CliErrors, CorruptY4mHeader) {
    std::ofstream(dir.file("c.y4m")) << "YUV4MPEG2 W64 H48 Fzz:1\nFRAME\n";
    expect_failure("encode " + dir.file("c.y4m") + out(), "bad header tag 'Fzz:1'");
}

TEST_F(CliErrors, RawSizeDoesNotFit) {
    write_raw(dir.file("r.yuv"), synthetic_frames(64, 48, 2));
    expect_failure("encode " + dir.file("r.yuv") + " --size 64x40" + out(), "not a multiple of one 64x40");
}

TEST_F(CliErrors, OddDimensionsWith420) {
    expect_failure("encode synthetic:65x48@30:2" + out(), "must be even");
}

TEST_F(CliErrors, ZeroOrNegativeBitrate) {
    expect_failure("encode synthetic:64x48@30:2 --rc cbr --bitrate 0" + out(), "out of range");
    expect_failure("encode synthetic:64x48@30:2 --rc cbr --bitrate -5M" + out(), "out of range");
    expect_failure("encode synthetic:64x48@30:2 --rc cbr" + out(), "needs a bitrate");
}

// Issue 13, finding 4: container/codec pairs that would give an undecodable file are refused up front.
TEST_F(CliErrors, ContainerThatCannotCarryTheCodec) {
    expect_failure("encode synthetic:64x64@30:2 -c av1 -o " + dir.file("x.ts"), "MPEG-TS has no AV1 mapping");
    expect_failure("encode synthetic:64x48@30:2 -c h264 -o " + dir.file("x.webm"), "cannot hold h264");
    EXPECT_FALSE(std::filesystem::exists(dir.file("x.ts")));
}

// Issue 13, finding 5: numbers an option cannot mean are refused, naming the option and the range
// in plain digits (a NaN --timeout used to make receive wait forever).
TEST_F(CliErrors, NonFiniteAndOutOfRangeNumbers) {
    const std::string receive = "receive rtp://127.0.0.1:0 -c h264 -o " + dir.file("r.h264");
    expect_failure(receive + " --timeout nan", "--timeout");
    expect_failure(receive + " --timeout nan", "is not a finite number (expected 0.02..86400)");
    expect_failure(receive + " --wait inf", "is not a finite number");
    expect_failure(receive + " --wait 1e999", "is not a finite number");
    expect_failure(receive + " --frames -3", "is out of range (expected 1..1000000000000)");
    expect_failure(receive + " --pt 300", "is out of range (expected 0..127)");
    expect_failure("stream synthetic:64x48@30:2 --to rtp://127.0.0.1:9 --start-delay nan", "--start-delay");
    expect_failure("encode synthetic:64x48@30:2 --hdr-peak -inf" + out(), "--hdr-peak");
    expect_failure("encode synthetic:64x48@30:2 --slices 0" + out(), "is out of range (expected 1..1024)");
    expect_failure("encode synthetic:64x48@30:2 --threads 99999999999999999999" + out(), "is not a whole number");
}

TEST_F(CliErrors, UnknownCodecAndBadOptions) {
    expect_failure("encode synthetic:64x48@30:2 --codec vp9" + out(), "unknown codec 'vp9'");
    expect_failure("encode synthetic:64x48@30:2 --preset p9" + out(), "preset 'p9' is invalid");
    expect_failure("encode synthetic:64x48@30:2 --gop 0" + out(), "gop '0' is invalid");
    expect_failure("encode synthetic:64x48@30:2 --qp 70" + out(), "rc.qp");
    expect_failure("encode synthetic:64x48@30:2 --backend nosuch" + out(), "unknown backend 'nosuch'");
}

TEST_F(CliErrors, CodecBackendMismatch) {
    expect_failure("encode synthetic:64x48@30:2 --codec hevc --backend x264 -o " + dir.file("o.hevc"),
                   "backend 'x264' cannot encode hevc");
}

TEST_F(CliErrors, UnwritableOutputAndWrongExtension) {
    expect_failure("encode synthetic:64x48@30:2 -o /nonexistent-dir/o.h264", "cannot write output");
    expect_failure("encode synthetic:64x48@30:2 -o " + dir.file("o.avi"), "unknown extension '.avi'");
    expect_failure("encode synthetic:64x64@30:2 --codec av1 -o " + dir.file("o.h264"), "holds h264, but the codec is av1");
}

TEST_F(CliErrors, MissingArguments) {
    expect_failure("encode synthetic:64x48@30:2", "--output is required");
    expect_failure("", "A subcommand is required");
}

}  // namespace
}  // namespace nvcast::test
