// nvh264 CUDA engine: owning device and pinned host allocations (RAII).
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>
#include <utility>

#include "gpu/cuda_check.h"
#include "nvcast/error.h"

namespace nvcast::nvh264::cuda {

// `count` elements of T in device memory; allocation failures name what was being allocated.
template <class T>
class DeviceArray {
public:
    DeviceArray() = default;
    DeviceArray(size_t count, const char* what) : count_(count) {
        if (count == 0) return;
        void* p = nullptr;
        const cudaError_t status = cudaMalloc(&p, count * sizeof(T));
        if (status != cudaSuccess) {
            cudaGetLastError();  // an allocation failure is not sticky: clear it and report
            const std::string mb = std::to_string((count * sizeof(T) + (1 << 20) - 1) >> 20);
            gpu::cuda_check(status, (std::string("nvh264: allocating ") + mb + " MiB of GPU memory for " + what).c_str());
        }
        data_ = static_cast<T*>(p);
    }
    ~DeviceArray() {
        if (data_) cudaFree(data_);
    }
    DeviceArray(DeviceArray&& o) noexcept : data_(std::exchange(o.data_, nullptr)), count_(std::exchange(o.count_, 0)) {}
    DeviceArray& operator=(DeviceArray&& o) noexcept {
        if (this != &o) {
            if (data_) cudaFree(data_);
            data_ = std::exchange(o.data_, nullptr);
            count_ = std::exchange(o.count_, 0);
        }
        return *this;
    }
    DeviceArray(const DeviceArray&) = delete;
    DeviceArray& operator=(const DeviceArray&) = delete;

    T* get() const noexcept { return data_; }
    size_t size() const noexcept { return count_; }
    size_t bytes() const noexcept { return count_ * sizeof(T); }

private:
    T* data_ = nullptr;
    size_t count_ = 0;
};

// Page-locked host memory, so device-to-host copies of packets run asynchronously.
template <class T>
class PinnedArray {
public:
    PinnedArray() = default;
    PinnedArray(size_t count, const char* what) : count_(count) {
        void* p = nullptr;
        gpu::cuda_check(cudaMallocHost(&p, count * sizeof(T)), (std::string("nvh264: pinning host memory for ") + what).c_str());
        data_ = static_cast<T*>(p);
    }
    ~PinnedArray() {
        if (data_) cudaFreeHost(data_);
    }
    PinnedArray(PinnedArray&& o) noexcept : data_(std::exchange(o.data_, nullptr)), count_(std::exchange(o.count_, 0)) {}
    PinnedArray& operator=(PinnedArray&& o) noexcept {
        if (this != &o) {
            if (data_) cudaFreeHost(data_);
            data_ = std::exchange(o.data_, nullptr);
            count_ = std::exchange(o.count_, 0);
        }
        return *this;
    }
    PinnedArray(const PinnedArray&) = delete;
    PinnedArray& operator=(const PinnedArray&) = delete;

    T* get() const noexcept { return data_; }
    size_t size() const noexcept { return count_; }

private:
    T* data_ = nullptr;
    size_t count_ = 0;
};

}  // namespace nvcast::nvh264::cuda
