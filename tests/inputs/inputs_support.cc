#include "inputs_support.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace nvcast::test {

std::string ffprobe_path() {
    return (std::filesystem::path(ffmpeg_path()).parent_path() / "ffprobe").string();
}

void make_clip(const std::string& args) {
    const auto r = run_command("'" + ffmpeg_path() + "' -hide_banner -loglevel error -y " + args);
    ASSERT_EQ(r.exit_code, 0) << "ffmpeg " << args << "\n" << r.output;
}

nlohmann::json probe(const std::string& path, const std::string& extra) {
    const auto r = run_command("'" + ffprobe_path() + "' -v error -of json -show_streams -show_format " + extra + " '" +
                               path + "' 2>/dev/null");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return nlohmann::json::parse(r.output, nullptr, false);
}

std::vector<nlohmann::json> streams_of(const nlohmann::json& probe, const std::string& type) {
    std::vector<nlohmann::json> out;
    if (probe.contains("streams"))
        for (const auto& s : probe["streams"])
            if (s.value("codec_type", "") == type) out.push_back(s);
    return out;
}

}  // namespace nvcast::test
