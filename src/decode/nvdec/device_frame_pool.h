// NV12/P010 frames in CUDA device memory (one pitched allocation: Y rows, then UV rows),
// allocated in a device's primary context and recycled: a frame goes back to the pool when
// its last copy is dropped, and its memory is freed when the pool and every frame are gone.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "driver/primary_context.h"
#include "nvcast/frame.h"

namespace nvcast::nvdec {

class DeviceFramePool : public std::enable_shared_from_this<DeviceFramePool> {
public:
    static std::shared_ptr<DeviceFramePool> create(std::shared_ptr<const driver::PrimaryContext> context,
                                                   PixelFormat format, int width, int height);
    ~DeviceFramePool();
    DeviceFramePool(const DeviceFramePool&) = delete;
    DeviceFramePool& operator=(const DeviceFramePool&) = delete;

    // A free frame (allocated when none is free). Throws Error(ResourceExhausted) when the
    // device is out of memory. Needs no current context.
    Frame acquire();
    size_t allocated() const;

private:
    struct Buffer {
        CUdeviceptr ptr = 0;
        size_t pitch = 0;
    };
    DeviceFramePool(std::shared_ptr<const driver::PrimaryContext> context, PixelFormat format, int width, int height);
    void release(Buffer buffer);

    std::shared_ptr<const driver::PrimaryContext> context_;
    PixelFormat format_;
    int width_, height_;
    mutable std::mutex mutex_;
    std::vector<Buffer> free_;
    size_t allocated_ = 0;
};

}  // namespace nvcast::nvdec
