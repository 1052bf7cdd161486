// The cuda-synthetic: source: frames generated in CUDA device memory (NV12 or I420, 8-bit).
#include <memory>
#include <string>

#include "gpu/buffer_pool.h"
#include "nvcast/error.h"
#include "nvcast/source.h"
#if NVCAST_HAVE_GPU_KERNELS
#include "gpu/cuda_check.h"
#include "gpu/synthetic_kernel.h"
#endif

namespace nvcast {

#if NVCAST_HAVE_GPU_KERNELS
namespace {

class DeviceSyntheticSource final : public FrameSource {
public:
    DeviceSyntheticSource(const SourceInfo& info, uint32_t seed) : info_(info), seed_(seed) {
        cudaStream_t s = nullptr;
        gpu::cuda_check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cuda-synthetic: creating a stream");
        stream_ = s;
        pool_ = gpu::BufferPool::create(MemoryType::Cuda);
    }
    ~DeviceSyntheticSource() override { cudaStreamDestroy(static_cast<cudaStream_t>(stream_)); }

    const SourceInfo& info() const override { return info_; }

    bool read(Frame& frame) override {
        if (info_.frame_count >= 0 && next_ >= info_.frame_count) return false;
        if (frame.empty() || frame.memory() != MemoryType::Cuda || frame.format() != info_.format ||
            frame.width() != info_.width || frame.height() != info_.height)
            frame = pool_->frame(info_.format, info_.width, info_.height);
        gpu::SyntheticPlanes p;
        p.y = frame.data(0);
        p.u = frame.data(1);
        p.v = info_.format == PixelFormat::I420 ? frame.data(2) : nullptr;
        p.pitch_y = frame.pitch(0);
        p.pitch_uv = frame.pitch(1);
        p.width = info_.width;
        p.height = info_.height;
        p.interleaved_uv = info_.format == PixelFormat::NV12;
        gpu::launch_synthetic(p, next_, seed_, stream_);
        // The reader hands the frame to work on other streams: it must be complete when read() returns.
        gpu::cuda_check(cudaStreamSynchronize(static_cast<cudaStream_t>(stream_)), "cuda-synthetic: drawing a frame");
        frame.pts = next_++;
        frame.color = info_.color;
        return true;
    }

private:
    SourceInfo info_;
    uint32_t seed_;
    void* stream_ = nullptr;
    std::shared_ptr<gpu::BufferPool> pool_;
    int64_t next_ = 0;
};

}  // namespace
#endif

std::unique_ptr<FrameSource> open_device_synthetic(int width, int height, int fps_num, int fps_den, int64_t frames,
                                                   PixelFormat format, uint32_t seed) {
    if (format != PixelFormat::NV12 && format != PixelFormat::I420)
        throw Error(ErrorCode::Unsupported, "cuda-synthetic makes nv12 or i420 frames, not " +
                                                std::string(to_string(format)));
    if (width % 2 || height % 2 || width < 16 || height < 16 || width > 16384 || height > 16384)
        throw Error(ErrorCode::InvalidArgument, "cuda-synthetic size " + std::to_string(width) + "x" +
                                                    std::to_string(height) + " must be even, 16..16384 per side");
#if NVCAST_HAVE_GPU_KERNELS
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0)
        throw Error(ErrorCode::Unavailable, "cuda-synthetic needs a CUDA device, and this machine has none usable");
    SourceInfo info;
    info.width = width;
    info.height = height;
    info.fps_num = fps_num;
    info.fps_den = fps_den;
    info.format = format;
    info.color = ColorDescription::bt709();
    info.frame_count = frames;
    info.memory = MemoryType::Cuda;
    return std::make_unique<DeviceSyntheticSource>(info, seed ? seed : 1);
#else
    (void)fps_num, (void)fps_den, (void)frames, (void)seed;
    throw Error(ErrorCode::Unavailable, "cuda-synthetic needs CUDA kernels; this build of nvcast has none (built without nvcc)");
#endif
}

}  // namespace nvcast
