// Frame sources: Y4M files, raw YUV files and a synthetic pattern generator.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "nvcast/frame.h"

namespace nvcast {

struct SourceInfo {
    int width = 0;
    int height = 0;
    int fps_num = 30;
    int fps_den = 1;
    PixelFormat format = PixelFormat::I420;
    ColorDescription color;
    int64_t frame_count = -1;  // -1 when unknown
    MemoryType memory = MemoryType::Host;  // where read() puts the pixels
};

class FrameSource {
public:
    virtual ~FrameSource() = default;
    virtual const SourceInfo& info() const = 0;
    // Reads the next frame into `frame` (reusing its memory when it fits).
    // Returns false at a clean end of input; throws Error on a truncated frame.
    virtual bool read(Frame& frame) = 0;
};

// What a raw file can't tell by itself; also overrides for the synthetic source.
struct RawInputOptions {
    int width = 0;
    int height = 0;
    int fps_num = 30;
    int fps_den = 1;
    PixelFormat format = PixelFormat::I420;
    int64_t frames = -1;  // synthetic: number of frames (-1 = endless)
};

// "synthetic:1920x1080@60[:N]", "cuda-synthetic:1920x1080@60[:N]" (drawn in CUDA device
// memory), "*.y4m", anything else is raw YUV.
std::unique_ptr<FrameSource> open_source(std::string_view spec, const RawInputOptions& raw = {});

std::unique_ptr<FrameSource> open_y4m(const std::string& path);
std::unique_ptr<FrameSource> open_raw(const std::string& path, const RawInputOptions& options);
// Moving, detailed, noisy content (not trivial to compress), deterministic per seed.
std::unique_ptr<FrameSource> open_synthetic(int width, int height, int fps_num, int fps_den, int64_t frames,
                                            PixelFormat format = PixelFormat::I420, uint32_t seed = 1);
// The same kind of content drawn by a CUDA kernel into device frames (NV12 or I420), so that a
// benchmark's source outruns every encoder and GPU pipelines start with no host copy.
// Throws Error(Unavailable) without CUDA kernels or a device.
std::unique_ptr<FrameSource> open_device_synthetic(int width, int height, int fps_num, int fps_den, int64_t frames,
                                                   PixelFormat format = PixelFormat::NV12, uint32_t seed = 1);

}  // namespace nvcast
