// A bounded pool of frames for one stream's source: at most `capacity` frames are out at once,
// buffers come back when the last Frame holding them is destroyed, and a steady stream of one
// size allocates nothing after the first `capacity` frames (allocations() says how many were made).
// Device buffers are reused in stream order (see gpu::BufferPool).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "gpu/buffer_pool.h"

namespace nvcast::pipeline {

class FramePool : public std::enable_shared_from_this<FramePool> {
public:
    static std::shared_ptr<FramePool> create(MemoryType memory, size_t capacity);

    // A frame when fewer than `capacity` are out; otherwise waits up to `wait` for one to come back.
    std::optional<Frame> acquire(PixelFormat format, int width, int height, std::chrono::milliseconds wait);

    size_t allocations() const { return buffers_->allocations(); }
    size_t outstanding() const;
    size_t capacity() const noexcept { return capacity_; }

private:
    FramePool(MemoryType memory, size_t capacity);
    void give_back();

    std::shared_ptr<gpu::BufferPool> buffers_;
    const size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable returned_;
    size_t out_ = 0;
};

}  // namespace nvcast::pipeline
