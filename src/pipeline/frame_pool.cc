#include "pipeline/frame_pool.h"

namespace nvcast::pipeline {

std::shared_ptr<FramePool> FramePool::create(MemoryType memory, size_t capacity) {
    return std::shared_ptr<FramePool>(new FramePool(memory, capacity));
}

FramePool::FramePool(MemoryType memory, size_t capacity)
    : buffers_(gpu::BufferPool::create(memory)), capacity_(capacity ? capacity : 1) {}

std::optional<Frame> FramePool::acquire(PixelFormat format, int width, int height, std::chrono::milliseconds wait) {
    {
        std::unique_lock lock(mutex_);
        if (!returned_.wait_for(lock, wait, [&] { return out_ < capacity_; })) return std::nullopt;
        ++out_;
    }
    Frame pooled;
    try {
        pooled = buffers_->frame(format, width, height);
    } catch (...) {
        give_back();
        throw;
    }
    // The frame keeps its buffer alive; when the last copy goes, the slot comes back to this pool.
    std::array<uint8_t*, Frame::kMaxPlanes> data{};
    std::array<int, Frame::kMaxPlanes> pitch{};
    for (int p = 0; p < pooled.plane_count(); ++p) {
        data[static_cast<size_t>(p)] = pooled.data(p);
        pitch[static_cast<size_t>(p)] = pooled.pitch(p);
    }
    auto self = shared_from_this();
    auto slot = std::make_shared<Frame>(pooled);
    std::shared_ptr<void> keep(slot.get(), [self, slot](void*) mutable {
        slot.reset();
        self->give_back();
    });
    return Frame::wrap(format, width, height, buffers_->memory(), data, pitch, std::move(keep));
}

void FramePool::give_back() {
    {
        std::lock_guard lock(mutex_);
        --out_;
    }
    returned_.notify_one();
}

size_t FramePool::outstanding() const {
    std::lock_guard lock(mutex_);
    return out_;
}

}  // namespace nvcast::pipeline
