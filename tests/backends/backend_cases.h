// The software backends under test, and how to ask the ffmpeg CLI for the same
// encode with the same library, so the two can be compared.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace nvcast::test {

struct BackendCase {
    std::string backend;  // nvcast backend name
    Codec codec;
    std::string extension;  // elementary stream file extension
    int qp;                 // a mid-range QP on the backend's scale
};

// The software backends compiled into this build.
std::vector<BackendCase> software_backends();
std::string case_name(const BackendCase& c);
// Test-name generator for suites parameterized by BackendCase.
std::string backend_param_name(const ::testing::TestParamInfo<BackendCase>& param);

// A small config every backend accepts: 208x120 (not a multiple of 16), fast preset.
EncoderConfig small_config(const BackendCase& c, RateControlMode mode = RateControlMode::CQP);

// ffmpeg CLI arguments (after -i) that encode like `config` with the same library.
std::string ffmpeg_encoder_args(const BackendCase& c, const EncoderConfig& config);

}  // namespace nvcast::test
