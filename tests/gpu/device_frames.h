// Device frames for the kernel tests: allocation (poisoned, so unwritten samples show up as
// differences) and copies to and from host frames; the fixture every kernel test starts from.
#pragma once

#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <array>
#include <cstdlib>
#include <memory>

#include "nvcast/convert.h"
#include "nvcast/frame.h"

namespace nvcast::test {

// A device frame with its own allocation; `extra_pitch` pads rows beyond the 256-byte rounding.
inline Frame device_frame(PixelFormat f, int w, int h, int extra_pitch = 0) {
    std::array<int, Frame::kMaxPlanes> pitch{};
    std::array<size_t, Frame::kMaxPlanes> offset{};
    size_t total = 0;
    for (int p = 0; p < format_info(f).planes; ++p) {
        pitch[p] = static_cast<int>((plane_row_bytes(f, w, p) + 255) / 256 * 256) + extra_pitch;
        offset[p] = total;
        total += static_cast<size_t>(pitch[p]) * plane_rows(f, h, p);
    }
    void* base = nullptr;
    if (cudaMalloc(&base, total) != cudaSuccess) return Frame();
    cudaMemset(base, 0xA5, total);  // poison
    std::shared_ptr<void> owner(base, [](void* p) { cudaFree(p); });
    std::array<uint8_t*, Frame::kMaxPlanes> data{};
    for (int p = 0; p < format_info(f).planes; ++p) data[p] = static_cast<uint8_t*>(base) + offset[p];
    return Frame::wrap(f, w, h, MemoryType::Cuda, data, pitch, owner);
}

inline void copy_planes(const Frame& src, Frame& dst, cudaMemcpyKind kind) {
    for (int p = 0; p < src.plane_count(); ++p)
        ASSERT_EQ(cudaMemcpy2D(dst.data(p), dst.pitch(p), src.data(p), src.pitch(p), plane_row_bytes(src.format(), src.width(), p),
                               plane_rows(src.format(), src.height(), p), kind),
                  cudaSuccess);
}

inline Frame upload(const Frame& host, int extra_pitch = 0) {
    Frame d = device_frame(host.format(), host.width(), host.height(), extra_pitch);
    copy_planes(host, d, cudaMemcpyHostToDevice);
    d.color = host.color;
    return d;
}

inline Frame download(const Frame& dev) {
    Frame h = Frame::allocate(dev.format(), dev.width(), dev.height());
    copy_planes(dev, h, cudaMemcpyDeviceToHost);
    h.color = dev.color;
    return h;
}

// NVCAST_GPU_TEST_SMALL=1 (used under compute-sanitizer): tests shrink or leave out their large frames.
inline bool small_run() { return std::getenv("NVCAST_GPU_TEST_SMALL") != nullptr; }

// A kernel test: skipped where no CUDA device is usable, with a stream of its own.
class GpuStreamTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!FrameConverter::gpu_available()) GTEST_SKIP() << FrameConverter::describe_gpu();
        ASSERT_EQ(cudaStreamCreate(&stream_), cudaSuccess);
    }
    void TearDown() override {
        if (stream_) cudaStreamDestroy(stream_);
    }

    cudaStream_t stream_ = nullptr;
};

}  // namespace nvcast::test
