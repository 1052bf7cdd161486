#include "gpu/buffer_pool.h"

#include <new>
#include <string>

#include "nvcast/error.h"
#if NVCAST_HAVE_GPU_KERNELS
#include "gpu/cuda_check.h"
#endif

namespace nvcast::gpu {

std::shared_ptr<BufferPool> BufferPool::create(MemoryType memory) {
    return std::shared_ptr<BufferPool>(new BufferPool(memory));
}

BufferPool::~BufferPool() {
    for (auto& [bytes, data] : free_) free_buffer(data);
}

uint8_t* BufferPool::allocate(size_t bytes) {
    if (memory_ == MemoryType::Host) return static_cast<uint8_t*>(::operator new(bytes, std::align_val_t(256)));
#if NVCAST_HAVE_GPU_KERNELS
    void* ptr = nullptr;
    cuda_check(cudaMalloc(&ptr, bytes), "allocating a device frame buffer");
    return static_cast<uint8_t*>(ptr);
#else
    throw Error(ErrorCode::Unavailable, "this build of nvcast has no CUDA support; cannot allocate device frames");
#endif
}

void BufferPool::free_buffer(uint8_t* data) {
    if (memory_ == MemoryType::Host) {
        ::operator delete(data, std::align_val_t(256));
        return;
    }
#if NVCAST_HAVE_GPU_KERNELS
    cudaFree(data);
#endif
}

std::shared_ptr<void> BufferPool::acquire(size_t bytes, uint8_t*& data) {
    {
        std::lock_guard lock(mutex_);
        auto it = free_.find(bytes);
        if (it != free_.end()) {
            data = it->second;
            free_.erase(it);
        } else {
            data = nullptr;
        }
    }
    if (data == nullptr) {
        data = allocate(bytes);
        std::lock_guard lock(mutex_);
        ++allocations_;
    }
    auto self = shared_from_this();
    uint8_t* ptr = data;
    return std::shared_ptr<void>(ptr, [self, bytes](void* p) { self->release(bytes, static_cast<uint8_t*>(p)); });
}

void BufferPool::release(size_t bytes, uint8_t* data) {
    std::lock_guard lock(mutex_);
    free_.emplace(bytes, data);
}

size_t BufferPool::allocations() const {
    std::lock_guard lock(mutex_);
    return allocations_;
}

std::array<int, Frame::kMaxPlanes> device_plane_pitches(PixelFormat format, int width) {
    std::array<int, Frame::kMaxPlanes> pitch{};
    const FormatInfo& info = format_info(format);
    // Three-plane 4:2:0 frames keep chroma pitch = luma pitch / 2, as NVENC requires of I420:
    // luma rows are padded to 512 bytes so that half of it stays 256-aligned.
    const bool half_pitch_chroma = info.planes == 3 && info.chroma_shift_x == 1;
    for (int p = 0; p < info.planes; ++p) {
        const size_t row = plane_row_bytes(format, width, p);
        if (half_pitch_chroma && p > 0)
            pitch[static_cast<size_t>(p)] = pitch[0] / 2;
        else
            pitch[static_cast<size_t>(p)] = static_cast<int>(half_pitch_chroma ? (row + 511) / 512 * 512
                                                                                : (row + 255) / 256 * 256);
    }
    return pitch;
}

Frame BufferPool::frame(PixelFormat format, int width, int height) {
    const std::array<int, Frame::kMaxPlanes> pitch = device_plane_pitches(format, width);
    std::array<size_t, Frame::kMaxPlanes> offset{};
    size_t total = 0;
    const int planes = format_info(format).planes;
    for (int p = 0; p < planes; ++p) {
        offset[static_cast<size_t>(p)] = total;
        total += static_cast<size_t>(pitch[static_cast<size_t>(p)]) * static_cast<size_t>(plane_rows(format, height, p));
    }
    uint8_t* base = nullptr;
    auto keep = acquire(total, base);
    std::array<uint8_t*, Frame::kMaxPlanes> data{};
    for (int p = 0; p < planes; ++p) data[static_cast<size_t>(p)] = base + offset[static_cast<size_t>(p)];
    return Frame::wrap(format, width, height, memory_, data, pitch, std::move(keep));
}

}  // namespace nvcast::gpu
