// Recycling allocator for frame buffers in host or CUDA device memory.
// Buffers go back to the pool when the last Frame holding them is destroyed; the pool
// stays alive while any of its buffers is out. Device buffers are reused in stream order:
// a frame released while kernels still read it is safe to hand out again for work queued
// later on the same stream.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "nvcast/frame.h"

namespace nvcast::gpu {

// Row pitches of a device frame: 256-byte aligned, and for three-plane 4:2:0 luma 512 with chroma
// half of it (the layout NVENC requires). Every device frame nvcast allocates has them.
std::array<int, Frame::kMaxPlanes> device_plane_pitches(PixelFormat format, int width);

class BufferPool : public std::enable_shared_from_this<BufferPool> {
public:
    static std::shared_ptr<BufferPool> create(MemoryType memory);
    ~BufferPool();
    BufferPool(const BufferPool&) = delete;
    BufferPool& operator=(const BufferPool&) = delete;

    // A buffer of at least `bytes`; the returned handle gives it back when released.
    std::shared_ptr<void> acquire(size_t bytes, uint8_t*& data);
    // A frame whose planes live in one pooled buffer; rows padded to 256 bytes (three-plane 4:2:0:
    // luma to 512 and chroma pitch half of it, the layout NVENC requires).
    Frame frame(PixelFormat format, int width, int height);

    size_t allocations() const;
    MemoryType memory() const noexcept { return memory_; }

private:
    explicit BufferPool(MemoryType memory) : memory_(memory) {}
    void release(size_t bytes, uint8_t* data);
    uint8_t* allocate(size_t bytes);
    void free_buffer(uint8_t* data);

    MemoryType memory_;
    mutable std::mutex mutex_;
    std::multimap<size_t, uint8_t*> free_;
    size_t allocations_ = 0;
};

}  // namespace nvcast::gpu
