// What the input tests share: making clips with the ffmpeg CLI and reading facts back with ffprobe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "support/test_support.h"

namespace nvcast::test {

// Runs ffmpeg with `args` (quiet, overwriting); fails the test on error.
void make_clip(const std::string& args);
// ffprobe's JSON (-show_streams -show_format, plus `extra` e.g. "-show_frames").
nlohmann::json probe(const std::string& path, const std::string& extra = "");
// The streams of one type ("video", "audio") in the probe.
std::vector<nlohmann::json> streams_of(const nlohmann::json& probe, const std::string& type);
std::string ffprobe_path();

}  // namespace nvcast::test
