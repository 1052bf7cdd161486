// Encoder and input options shared by the subcommands that encode (encode, stream).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "nvcast/nvcast.h"
#include "nvcast/settings.h"

namespace nvcast::cli {

using EncodeOptions = EncoderSettings;

void add_input_options(CLI::App& cmd, InputSettings& in);
void add_encoder_options(CLI::App& cmd, EncodeOptions& enc);

using nvcast::open_input;
inline EncoderConfig make_config(const EncodeOptions& enc, const SourceInfo& source) {
    return make_encoder_config(enc, source);
}

}  // namespace nvcast::cli
