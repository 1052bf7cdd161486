// Bad inputs get a specific message and a non-zero exit, never a crash or a hang; frames before a
// failure are kept.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "inputs_support.h"
#include "nvcast/decode.h"

namespace nvcast::test {
namespace {

void expect_refused(const std::string& args, const std::string& message) {
    const auto r = run_cli(args, 60);
    EXPECT_NE(r.exit_code, 0) << args << "\n" << r.output;
    EXPECT_LT(r.exit_code, 128) << "crashed: " << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
}

TEST(BadInputs, MissingUnreadableAndGarbage) {
    TempDir dir;
    expect_refused("encode " + dir.file("absent.mp4") + " -o " + dir.file("o.mp4"), "No such file or directory");
    std::ofstream(dir.file("garbage.mp4")) << std::string(5000, 'x');
    expect_refused("encode " + dir.file("garbage.mp4") + " -o " + dir.file("o.mp4"), "does not recognise it");
    expect_refused("encode v4l2:/dev/video97 -o " + dir.file("o.mp4"), "input 'v4l2:/dev/video97'");
}

// Found by the pipeline-file fuzzer: a name longer than the file system allows made
// std::filesystem throw past nvcast's errors.
TEST(BadInputs, NamesTheFileSystemRefusesAreErrorsNotCrashes) {
    for (const std::string& name : {std::string(5000, 'a') + ".mp4", "x:" + std::string(5000, 'b'),
                                    "/" + std::string(300, 'c') + "/in.mkv"}) {
        try {
            open_source(name);
            ADD_FAILURE() << "opened " << name.substr(0, 40);
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("input '"), std::string::npos) << e.what();
        }
    }
}

TEST(BadInputs, NoVideoStreamNamesWhatIsThere) {
    TempDir dir;
    make_clip("-f lavfi -i sine=frequency=440 -t 0.5 -c:a aac '" + dir.file("audio.m4a") + "'");
    if (HasFatalFailure()) return;
    expect_refused("encode " + dir.file("audio.m4a") + " -o " + dir.file("o.mp4"), "has no video stream (it has: audio aac)");
}

TEST(BadInputs, TruncatedFileKeepsTheFramesBeforeTheCut) {
    TempDir dir;
    const std::string full = dir.file("full.mkv");
    make_clip("-f lavfi -i testsrc2=size=160x96:rate=25 -frames:v 50 -c:v libx264 -g 10 '" + full + "'");
    if (HasFatalFailure()) return;
    const auto size = std::filesystem::file_size(full);
    std::filesystem::copy_file(full, dir.file("cut.mkv"));
    std::filesystem::resize_file(dir.file("cut.mkv"), size / 2);
    const auto r = run_cli("encode " + dir.file("cut.mkv") + " -b x264 --preset p1 -o " + dir.file("o.mp4"), 60);
    EXPECT_LT(r.exit_code, 128) << r.output;
    const auto frames = decode_all(dir.file("o.mp4"));
    EXPECT_GT(frames.size(), 5u) << r.output;
    EXPECT_LT(frames.size(), 50u) << r.output;
}

TEST(BadInputs, DamagedPacketsAreReportedNotFatal) {
    TempDir dir;
    const std::string clean = dir.file("clean.ts");
    make_clip("-f lavfi -i testsrc2=size=160x96:rate=25 -frames:v 40 -c:v libx264 -g 10 '" + clean + "'");
    if (HasFatalFailure()) return;
    // Overwrite a stretch in the middle of the transport stream with garbage.
    std::fstream f(clean, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(clean) / 2));
    const std::string junk(3000, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    f.close();
    const auto r = run_cli("encode " + clean + " -b x264 --preset p1 -o " + dir.file("o.mp4"), 60);
    EXPECT_LT(r.exit_code, 128) << r.output;
    EXPECT_GT(decode_all(dir.file("o.mp4")).size(), 20u) << r.output;
}

TEST(BadInputs, BadOptions) {
    TempDir dir;
    make_clip("-f lavfi -i testsrc2=size=96x64:rate=25 -frames:v 3 -c:v libx264 '" + dir.file("in.mp4") + "'");
    if (HasFatalFailure()) return;
    const std::string in = dir.file("in.mp4"), out = " -o " + dir.file("o.mp4");
    expect_refused("encode " + in + " --decoder gpu" + out, "decoder 'gpu' is invalid (allowed: auto, cpu, nvdec)");
    expect_refused("encode " + in + " --input-option nonsense=1" + out, "option 'nonsense' means nothing to the");
    expect_refused("encode " + in + " -f no_such_demuxer" + out, "no demuxer or device 'no_such_demuxer'");
    expect_refused("encode " + in + " --input-option novalue" + out, "KEY=VALUE");
}

TEST(BadInputs, NvdecWithoutTheDriverSaysWhy) {
    TempDir dir;
    make_clip("-f lavfi -i testsrc2=size=96x64:rate=25 -frames:v 3 -c:v libx264 '" + dir.file("in.mp4") + "'");
    if (HasFatalFailure()) return;
    const auto r = run_command("env NVCAST_CUDA_LIBRARY=/nonexistent/libcuda.so.1 '" + cli_path() + "' encode " +
                               dir.file("in.mp4") + " --decoder nvdec -o " + dir.file("o.mp4"));
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("NVDEC"), std::string::npos) << r.output;
    // auto falls back to the CPU and says why.
    const auto fallback = run_command("env NVCAST_CUDA_LIBRARY=/nonexistent/libcuda.so.1 '" + cli_path() + "' encode " +
                                      dir.file("in.mp4") + " -b x264 -o " + dir.file("o.mp4"));
    EXPECT_EQ(fallback.exit_code, 0) << fallback.output;
    EXPECT_NE(fallback.output.find("on the CPU (libavcodec)"), std::string::npos) << fallback.output;
}

}  // namespace
}  // namespace nvcast::test
