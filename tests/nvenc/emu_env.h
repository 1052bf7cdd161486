// Points the nvenc backend at the NVENC emulator (emu/) for a test and restores the
// environment afterwards; helpers shared by the nvenc tests.
#pragma once

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "backends/nvenc/nvenc_encoder.h"
#include "nvcast/bitstream.h"
#include "nvcast/nvcast.h"
#include "support/test_support.h"

namespace nvcast::test {

inline std::string emu_lib_dir() { return NVCAST_EMU_LIB_DIR; }

// Fixture: emulator libraries, no faults, default API, device auto.
class EmuTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("NVCAST_NVENC_LIBRARY", (emu_lib_dir() + "/libnvidia-encode.so.1").c_str(), 1);
        ::setenv("NVCAST_CUDA_LIBRARY", (emu_lib_dir() + "/libcuda.so.1").c_str(), 1);
        for (const char* v : {"NVCAST_EMU_FAULTS", "NVCAST_EMU_API_VERSION", "NVCAST_EMU_DEVICES", "NVCAST_NVENC_DEVICE",
                              "NVCAST_NVENC_OUTPUT_DELAY", "NVCAST_NVENC_FALLBACK"})
            ::unsetenv(v);
    }
    void TearDown() override { SetUp(); }

    static void faults(const std::string& spec) { ::setenv("NVCAST_EMU_FAULTS", spec.c_str(), 1); }

    static EncoderConfig config(Codec codec = Codec::H264, int width = 320, int height = 240) {
        EncoderConfig c;
        c.codec = codec;
        c.width = width;
        c.height = height;
        c.tuning = Tuning::LowLatency;
        c.rc.mode = RateControlMode::CQP;
        c.rc.qp = 24;
        c.gop_length = 30;
        return c;
    }

    static nvenc::NvencEncoder& as_nvenc(Encoder& e) { return dynamic_cast<nvenc::NvencEncoder&>(e); }

    static std::string ext(Codec codec) { return codec == Codec::HEVC ? ".hevc" : ".h264"; }
};

// The message of the Error `f` throws ("" if none) and its code.
template <typename F>
std::pair<ErrorCode, std::string> error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return {e.code(), e.what()};
    }
    return {ErrorCode::EncoderFailure, ""};
}

}  // namespace nvcast::test
