#include "decode/nvdec/device_frame_pool.h"

#include "nvcast/error.h"

namespace nvcast::nvdec {

std::shared_ptr<DeviceFramePool> DeviceFramePool::create(std::shared_ptr<const driver::PrimaryContext> context,
                                                         PixelFormat format, int width, int height) {
    return std::shared_ptr<DeviceFramePool>(new DeviceFramePool(std::move(context), format, width, height));
}

DeviceFramePool::DeviceFramePool(std::shared_ptr<const driver::PrimaryContext> context, PixelFormat format, int width,
                                 int height)
    : context_(std::move(context)), format_(format), width_(width), height_(height) {}

DeviceFramePool::~DeviceFramePool() {
    if (free_.empty()) return;
    try {
        driver::ContextScope scope(*context_);
        for (const Buffer& b : free_) context_->cuda().mem_free(b.ptr);
    } catch (...) {  // context gone: the driver reclaims the memory with it
    }
}

Frame DeviceFramePool::acquire() {
    Buffer buffer;
    {
        std::lock_guard lock(mutex_);
        if (!free_.empty()) {
            buffer = free_.back();
            free_.pop_back();
        }
    }
    if (!buffer.ptr) {
        const size_t row_bytes = plane_row_bytes(format_, width_, 0);
        const size_t rows = static_cast<size_t>(plane_rows(format_, height_, 0) + plane_rows(format_, height_, 1));
        driver::ContextScope scope(*context_);
        const CUresult r = context_->cuda().mem_alloc_pitch(&buffer.ptr, &buffer.pitch, row_bytes, rows, 16);
        if (r != CUDA_SUCCESS)
            throw Error(ErrorCode::ResourceExhausted,
                        "cannot allocate a " + std::to_string(width_) + "x" + std::to_string(height_) + " " +
                            std::string(to_string(format_)) + " frame on '" + context_->name() + "': " +
                            driver::cuda_error_text(context_->cuda(), r));
        std::lock_guard lock(mutex_);
        ++allocated_;
    }
    auto* y = reinterpret_cast<uint8_t*>(buffer.ptr);
    uint8_t* uv = y + buffer.pitch * static_cast<size_t>(plane_rows(format_, height_, 0));
    // The deleter keeps the pool alive while any frame is out.
    std::shared_ptr<void> keep(y, [self = shared_from_this(), buffer](void*) { self->release(buffer); });
    const int pitch = static_cast<int>(buffer.pitch);
    return Frame::wrap(format_, width_, height_, MemoryType::Cuda, {y, uv, nullptr}, {pitch, pitch, 0},
                       std::move(keep));
}

size_t DeviceFramePool::allocated() const {
    std::lock_guard lock(mutex_);
    return allocated_;
}

void DeviceFramePool::release(Buffer buffer) {
    std::lock_guard lock(mutex_);
    free_.push_back(buffer);
}

}  // namespace nvcast::nvdec
