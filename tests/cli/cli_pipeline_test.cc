// `nvcast pipeline`: the --streams shorthand, TOML files, errors that name the key, JSON stats,
// and Ctrl-C leaving every stream's files playable.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "nvcast/decode.h"
#include "support/test_support.h"

namespace nvcast::test {
namespace {

size_t decoded_frames(const std::string& path) { return decode_all(path).size(); }

TEST(CliPipeline, ShorthandRunsNStreamsAndPrintsJson) {
    TempDir dir;
    const auto r = run_cli("-q pipeline --streams 3 synthetic:96x64@30:8 -c h264 -b x264 --preset p1 -o " +
                           dir.file("s{n}.mp4") + " -o " + dir.file("s{n}.h264") + " --json");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
    ASSERT_EQ(j["streams"].size(), 3u);
    for (int n = 1; n <= 3; ++n) {
        const auto& s = j["streams"][static_cast<size_t>(n - 1)];
        EXPECT_EQ(s["name"], "stream " + std::to_string(n));
        EXPECT_EQ(s["state"], "finished");
        EXPECT_EQ(s["frames_in"], 8);
        EXPECT_EQ(s["frames_encoded"], 8);
        EXPECT_EQ(s["frames_dropped"], 0);
        EXPECT_EQ(s["sinks"].size(), 2u);
        EXPECT_EQ(decoded_frames(dir.file("s" + std::to_string(n) + ".mp4")), 8u);
        EXPECT_EQ(decoded_frames(dir.file("s" + std::to_string(n) + ".h264")), 8u);
    }
}

TEST(CliPipeline, TomlFileWithDefaults) {
    TempDir dir;
    std::ofstream(dir.file("p.toml")) << "[defaults]\nbackend = \"x264\"\npreset = \"p1\"\n\n"
                                         "[[stream]]\nname = \"small\"\ninput = \"synthetic:64x48@30:5\"\n"
                                         "outputs = [\"" + dir.file("small.mkv") + "\"]\n\n"
                                         "[[stream]]\nname = \"scaled\"\ninput = \"synthetic:128x96@30:5\"\n"
                                         "scale = \"64x48\"\noutputs = [\"" + dir.file("scaled.ts") + "\"]\n";
    const auto r = run_cli("-q pipeline " + dir.file("p.toml"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("small: finished, 5 frames in -> 5 encoded + 0 dropped"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("scaled: finished"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("frame preparation: i420 128x96 -> i420 64x48"), std::string::npos) << r.output;
    EXPECT_EQ(decoded_frames(dir.file("small.mkv")), 5u);
    const auto scaled = decode_all(dir.file("scaled.ts"));
    ASSERT_EQ(scaled.size(), 5u);
    EXPECT_EQ(scaled[0].width(), 64);
}

TEST(CliPipeline, BadInputIsNamed) {
    TempDir dir;
    std::ofstream(dir.file("bad.toml")) << "[[stream]]\nname = \"cam1\"\ninput = \"synthetic:64x48@30:5\"\n"
                                           "bitrat = \"4M\"\noutputs = [\"x.mp4\"]\n";
    auto r = run_cli("pipeline " + dir.file("bad.toml"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.output.find("stream 'cam1': unknown key 'bitrat'"), std::string::npos) << r.output;
    r = run_cli("pipeline " + dir.file("missing.toml"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.output.find("cannot read pipeline file"), std::string::npos) << r.output;
    r = run_cli("pipeline --streams 2 synthetic:64x48@30:5 -o " + dir.file("one.mp4"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.output.find("needs {n}"), std::string::npos) << r.output;
    r = run_cli("pipeline --streams 2 synthetic:64x48@30:5 --drop newest -o " + dir.file("s{n}.mp4"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.output.find("drop policy 'newest' is invalid"), std::string::npos) << r.output;
}

TEST(CliPipeline, InterruptFinalisesEveryStream) {
    TempDir dir;
    const auto r = run_command("bash -c '" + cli_path() + " -q pipeline --streams 2 synthetic:160x96@30:1000000 "
                               "--realtime -c h264 -b x264 -o " + dir.file("s{n}.mp4") + " -o " + dir.file("s{n}.mkv") +
                               " & pid=$!; sleep 1.5; kill -INT $pid; wait $pid; echo exit=$?'",
                               60);
    EXPECT_NE(r.output.find("exit=130"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("interrupted by SIGINT"), std::string::npos) << r.output;
    for (int n = 1; n <= 2; ++n) {
        std::smatch m;
        const std::string name = "stream " + std::to_string(n);
        ASSERT_TRUE(std::regex_search(r.output, m, std::regex(name + ": stopped, ([0-9]+) frames in -> ([0-9]+) encoded")))
            << r.output;
        EXPECT_EQ(m[1], m[2]);
        const size_t frames = std::stoul(m[2]);
        EXPECT_GT(frames, 0u);
        EXPECT_EQ(decoded_frames(dir.file("s" + std::to_string(n) + ".mp4")), frames);
        EXPECT_EQ(decoded_frames(dir.file("s" + std::to_string(n) + ".mkv")), frames);
    }
}

}  // namespace
}  // namespace nvcast::test
