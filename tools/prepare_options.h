// The frame-preparation flags shared by encode, stream and pipeline: --scale, --scale-filter,
// --tonemap, --hdr-peak, --input-transfer.
#pragma once

#include <CLI/CLI.hpp>

#include "nvcast/settings.h"

namespace nvcast::cli {

void add_prepare_options(CLI::App& cmd, PrepareSettings& prepare);

}  // namespace nvcast::cli
