// The case matrix that pins nvh264's output: CI checks the CPU reference against recorded
// hashes of it (nvh264_golden_test), the GPU machine checks the CUDA engine against the CPU
// reference on it, byte for byte and stage by stage (nvh264_engine_match_test).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/nvh264/nvh264_encoder.h"
#include "support/test_support.h"

namespace nvcast::test {

struct EngineCase {
    std::string name;
    int width = 176, height = 144;
    int qp = 28;
    int frames = 3;
    int preset = 4;
    int slices = 1;
    bool intra_refresh = false;
    RateControlMode rc = RateControlMode::CQP;
    int64_t bitrate = 0;
    int bitrate_change_at = -1;  // frame index where set_bitrate(bitrate / 2) is called
    int force_idr_at = -1;
    PixelFormat format = PixelFormat::I420;
    bool large = false;  // 1080p and up: skipped under sanitizers
};

inline std::vector<EngineCase> engine_cases() {
    std::vector<EngineCase> cases;
    for (int qp = 0; qp <= 51; qp += 3) {  // 0, 3, ..., 51
        EngineCase c;
        c.name = "qp" + std::to_string(qp);
        c.qp = qp;
        cases.push_back(c);
    }
    for (int p = 1; p <= 7; ++p) {
        EngineCase c;
        c.name = "preset" + std::to_string(p);
        c.width = 352;
        c.height = 288;
        c.preset = p;
        c.frames = 4;
        cases.push_back(c);
    }
    auto add = [&](EngineCase c) { cases.push_back(std::move(c)); };
    add({.name = "slices4", .width = 352, .height = 288, .frames = 4, .slices = 4});
    add({.name = "intra_refresh", .width = 352, .height = 288, .frames = 7, .intra_refresh = true});
    add({.name = "intra_refresh_slices4", .width = 352, .height = 288, .frames = 5, .slices = 4, .intra_refresh = true});
    add({.name = "cbr_bitrate_change", .width = 352, .height = 288, .frames = 8, .rc = RateControlMode::CBR,
         .bitrate = 600'000, .bitrate_change_at = 4});
    add({.name = "vbr_bitrate_change", .width = 352, .height = 288, .frames = 8, .rc = RateControlMode::VBR,
         .bitrate = 800'000, .bitrate_change_at = 4});
    add({.name = "forced_idr", .width = 352, .height = 288, .frames = 5, .force_idr_at = 2});
    add({.name = "nv12", .width = 352, .height = 288, .frames = 3, .format = PixelFormat::NV12});
    add({.name = "size_1366x768", .width = 1366, .height = 768, .qp = 30, .frames = 2});
    add({.name = "size_1280x712", .width = 1280, .height = 712, .qp = 26, .frames = 2, .slices = 4});
    add({.name = "hd_1080p", .width = 1920, .height = 1080, .qp = 27, .frames = 2, .large = true});
    add({.name = "uhd_4k", .width = 3840, .height = 2160, .qp = 30, .frames = 2, .large = true});
    return cases;
}

inline EncoderConfig engine_case_config(const EngineCase& c) {
    EncoderConfig cfg;
    cfg.width = c.width;
    cfg.height = c.height;
    cfg.input_format = c.format;
    cfg.preset = c.preset;
    cfg.slices = c.slices;
    cfg.tuning = Tuning::LowLatency;
    cfg.gop_length = kInfiniteGop;
    cfg.intra_refresh = c.intra_refresh;
    cfg.intra_refresh_period = c.intra_refresh ? 3 : 0;
    cfg.rc.mode = c.rc;
    cfg.rc.qp = c.qp;
    cfg.rc.bitrate = c.bitrate;
    return cfg;
}

// Moving, detailed content; the seed ties it to the case so cases differ.
inline std::vector<Frame> engine_case_frames(const EngineCase& c) {
    return synthetic_frames(c.width, c.height, c.frames, c.format, static_cast<uint32_t>(c.qp + 7 * c.preset));
}

inline FrameOptions engine_case_frame_options(const EngineCase& c, int frame) {
    FrameOptions o;
    o.force_idr = frame == c.force_idr_at;
    return o;
}

inline void engine_case_before_frame(const EngineCase& c, int frame, Encoder& encoder) {
    if (frame == c.bitrate_change_at) encoder.set_bitrate(c.bitrate / 2);
}

// FNV-1a over every packet's bytes, in order.
inline uint64_t stream_hash(const std::vector<Packet>& packets) {
    uint64_t h = kFnv1aBasis;
    for (const Packet& p : packets) h = fnv1a(p.data, h);
    return h;
}

}  // namespace nvcast::test
