// The CUDA devices this process can use, and a CUDA stream per pipeline stream. Without CUDA
// kernels in the build both say "none" instead of failing, so callers need no #ifs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace nvcast::gpu {

struct DeviceInfo {
    int index = 0;
    std::string name;
    size_t free_bytes = 0;
    size_t total_bytes = 0;
};

// Every usable CUDA device; empty without CUDA kernels, a driver or a device.
std::vector<DeviceInfo> list_devices() noexcept;

// Makes `device` current for the calling thread (CUDA's device is per thread); no-op for a
// negative index or without CUDA. Throws Error when the device cannot be selected.
void use_device(int device);

// An owned, non-blocking CUDA stream on a device; get() is nullptr without CUDA (the default stream).
class CudaStream {
public:
    CudaStream() = default;
    explicit CudaStream(int device);
    ~CudaStream();
    CudaStream(CudaStream&& other) noexcept : stream_(other.stream_), device_(other.device_) { other.stream_ = nullptr; }
    CudaStream& operator=(CudaStream&&) = delete;
    CudaStream(const CudaStream&) = delete;
    CudaStream& operator=(const CudaStream&) = delete;

    void* get() const noexcept { return stream_; }
    int device() const noexcept { return device_; }
    void synchronize() const;

private:
    void* stream_ = nullptr;
    int device_ = -1;
};

}  // namespace nvcast::gpu
