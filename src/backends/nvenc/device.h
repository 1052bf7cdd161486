// CUDA devices for NVENC: one context per device, shared by every session on it.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "backends/nvenc/loader.h"

namespace nvcast::nvenc {

class DeviceContext {
public:
    // The shared context of CUDA device `ordinal` (created on first use, destroyed with the last user).
    static std::shared_ptr<DeviceContext> get(const Driver& driver, int ordinal);
    ~DeviceContext();
    DeviceContext(const DeviceContext&) = delete;
    DeviceContext& operator=(const DeviceContext&) = delete;

    const Driver& driver() const { return driver_; }
    CUcontext context() const { return context_; }
    int ordinal() const { return ordinal_; }
    const std::string& name() const { return name_; }
    std::atomic<int> sessions{0};  // nvcast sessions open on this device

private:
    DeviceContext(const Driver& driver, int ordinal);
    const Driver& driver_;
    int ordinal_;
    CUcontext context_ = nullptr;
    std::string name_;
};

// Pushes a context for the scope (NVENC calls that touch device memory need it current).
class ContextScope {
public:
    explicit ContextScope(const DeviceContext& device);
    ~ContextScope();
    ContextScope(const ContextScope&) = delete;
    ContextScope& operator=(const ContextScope&) = delete;

private:
    const CudaApi& cuda_;
};

int device_count(const Driver& driver);
std::string device_name(const Driver& driver, int ordinal);

}  // namespace nvcast::nvenc
