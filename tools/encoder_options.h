// Encoder and input options shared by the subcommands that encode (encode, stream).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "nvcast/nvcast.h"

namespace nvcast::cli {

struct InputOptions {
    std::string input;         // file path or synthetic:WxH@FPS[:N]
    std::string size;          // raw input: WxH
    std::string input_format;  // raw input (and synthetic) pixel format
    std::string fps;           // raw input rate, or override: "30", "30000/1001"
    int64_t frames = -1;       // stop after N frames
};

struct EncodeOptions {
    std::string codec = "h264";
    std::string backend = "auto";
    std::string preset = "p4";
    std::string tune = "hq";
    std::string rc;            // default: cqp, or vbr when a bitrate is given
    std::string bitrate, max_bitrate, vbv_size;
    int qp = 28;
    int quality = 28;
    std::string gop = "250";
    int bframes = 0;
    bool intra_refresh = false;
    int intra_refresh_period = 0;
    int slices = 1;
    int bit_depth = 0;         // 0 = from the input
    std::string chroma;        // "" = from the input; "420", "444"
    std::string profile;
    int threads = 0;
};

void add_input_options(CLI::App& cmd, InputOptions& in);
void add_encoder_options(CLI::App& cmd, EncodeOptions& enc);

std::unique_ptr<FrameSource> open_input(const InputOptions& in);
// Builds and validates a config for the source; throws Error naming the bad option.
EncoderConfig make_config(const EncodeOptions& enc, const SourceInfo& source);

}  // namespace nvcast::cli
