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
        for (const char* v : {"NVCAST_EMU_FAULTS", "NVCAST_EMU_API_VERSION", "NVCAST_EMU_DEVICES"})
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

// An NV12 surface in (emulated) CUDA device memory: one allocation, UV right after Y, as
// NVENC registers it.
struct DeviceSurface {
    const nvenc::Driver* driver = nullptr;
    CUdeviceptr ptr = 0;
    size_t pitch = 0;
    DeviceSurface() = default;
    DeviceSurface(const DeviceSurface&) = delete;
    DeviceSurface& operator=(const DeviceSurface&) = delete;
    ~DeviceSurface() {
        if (ptr) driver->cuda.mem_free(ptr);
    }
    CUresult allocate_nv12(const nvenc::Driver& d, int width, int height) {
        driver = &d;
        return d.cuda.mem_alloc_pitch(&ptr, &pitch, static_cast<size_t>(width), static_cast<size_t>(height) * 3 / 2, 16);
    }
    // Copies a host NV12 frame in: what a GPU pipeline would have rendered there.
    CUresult upload(const Frame& host) const {
        for (int plane = 0; plane < 2; ++plane) {
            CUDA_MEMCPY2D copy{};
            copy.srcMemoryType = static_cast<CUmemorytype>(1);  // host
            copy.srcHost = host.data(plane);
            copy.srcPitch = static_cast<size_t>(host.pitch(plane));
            copy.dstMemoryType = static_cast<CUmemorytype>(2);  // device
            copy.dstDevice = ptr + (plane ? pitch * static_cast<size_t>(host.height()) : 0);
            copy.dstPitch = pitch;
            copy.WidthInBytes = static_cast<size_t>(host.width());
            copy.Height = static_cast<size_t>(plane ? host.height() / 2 : host.height());
            if (const CUresult r = driver->cuda.memcpy_2d(&copy); r != CUDA_SUCCESS) return r;
        }
        return CUDA_SUCCESS;
    }
    // The surface as an nvcast device frame.
    Frame frame(int width, int height, int64_t pts = 0) const {
        auto* y = reinterpret_cast<uint8_t*>(ptr);
        Frame f = Frame::wrap(PixelFormat::NV12, width, height, MemoryType::Cuda,
                              {y, y + pitch * static_cast<size_t>(height), nullptr},
                              {static_cast<int>(pitch), static_cast<int>(pitch), 0});
        f.pts = pts;
        return f;
    }
};

// Encodes host NV12 `frames` from `surfaces` device surfaces used in turn (upload, send,
// drain), then flushes; returns every packet. A surface comes round again only after its
// frame's packet is out, which is checked.
inline std::vector<Packet> encode_from_device_surfaces(nvenc::NvencEncoder& enc, const std::vector<Frame>& frames,
                                                       size_t surface_count) {
    const nvenc::Driver& driver = nvenc::load_driver();
    auto device = nvenc::DeviceContext::get(driver, 0);
    nvenc::ContextScope scope(*device);
    std::vector<DeviceSurface> surfaces(surface_count);
    for (auto& s : surfaces) EXPECT_EQ(s.allocate_nv12(driver, frames[0].width(), frames[0].height()), CUDA_SUCCESS);
    std::vector<Packet> packets;
    for (size_t i = 0; i < frames.size(); ++i) {
        const DeviceSurface& s = surfaces[i % surfaces.size()];
        EXPECT_EQ(s.upload(frames[i]), CUDA_SUCCESS);
        enc.send_frame(s.frame(frames[i].width(), frames[i].height(), static_cast<int64_t>(i)), {});
        while (auto p = enc.receive_packet()) packets.push_back(std::move(*p));
        EXPECT_GE(packets.size() + surface_count - 1, i + 1) << "more frames in flight than surfaces";
    }
    enc.flush();
    while (auto p = enc.receive_packet()) packets.push_back(std::move(*p));
    return packets;
}

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
