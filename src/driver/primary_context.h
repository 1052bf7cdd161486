// A CUDA device's primary context, retained for the life of the object. The primary
// context is the one the CUDA runtime uses, so memory allocated in it through the driver
// API is directly usable by runtime kernels (nvcast's src/gpu) on that device.
#pragma once

#include <string>

#include "driver/cuda_driver.h"

namespace nvcast::driver {

class PrimaryContext {
public:
    // Initialises the driver and retains device `ordinal`'s primary context. Throws
    // Error(InvalidArgument) for a device that does not exist, Error(Unavailable) otherwise.
    PrimaryContext(const CudaApi& cuda, int ordinal);
    ~PrimaryContext();
    PrimaryContext(const PrimaryContext&) = delete;
    PrimaryContext& operator=(const PrimaryContext&) = delete;

    const CudaApi& cuda() const { return cuda_; }
    CUcontext get() const { return context_; }
    int ordinal() const { return ordinal_; }
    const std::string& name() const { return name_; }

private:
    const CudaApi& cuda_;
    int ordinal_;
    CUdevice device_ = 0;
    CUcontext context_ = nullptr;
    std::string name_;
};

// Makes a context current on this thread for the scope (driver calls that allocate, copy
// or create decoders act on the current context).
class ContextScope {
public:
    ContextScope(const CudaApi& cuda, CUcontext context);
    explicit ContextScope(const PrimaryContext& context) : ContextScope(context.cuda(), context.get()) {}
    ~ContextScope();
    ContextScope(const ContextScope&) = delete;
    ContextScope& operator=(const ContextScope&) = delete;

private:
    const CudaApi& cuda_;
};

}  // namespace nvcast::driver
