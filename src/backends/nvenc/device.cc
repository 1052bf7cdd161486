#include "backends/nvenc/device.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include "nvcast/error.h"

namespace nvcast::nvenc {
namespace {
std::mutex g_mutex;
std::map<std::pair<const Driver*, int>, std::weak_ptr<DeviceContext>> g_contexts;
}  // namespace

std::shared_ptr<DeviceContext> DeviceContext::get(const Driver& driver, int ordinal) {
    std::lock_guard lock(g_mutex);
    auto& slot = g_contexts[{&driver, ordinal}];
    if (auto existing = slot.lock()) return existing;
    std::shared_ptr<DeviceContext> created(new DeviceContext(driver, ordinal));
    slot = created;
    return created;
}

DeviceContext::DeviceContext(const Driver& driver, int ordinal) : driver_(driver), ordinal_(ordinal) {
    const CudaApi& cu = driver.cuda;
    const int count = device_count(driver);
    if (ordinal < 0 || ordinal >= count)
        throw Error(ErrorCode::InvalidArgument, "nvenc: CUDA device " + std::to_string(ordinal) + " does not exist (" +
                                                    std::to_string(count) + " device(s) found)");
    name_ = device_name(driver, ordinal);
    CUdevice device = 0;
    CUresult r = cu.device_get(&device, ordinal);
    if (r == CUDA_SUCCESS) r = cu.ctx_create(&context_, 0, device);
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::Unavailable, "nvenc: cannot create a CUDA context on '" + name_ + "': " +
                                                cuda_error_text(cu, r));
    CUcontext popped = nullptr;
    cu.ctx_pop(&popped);  // cuCtxCreate made it current; sessions push it when they need it
}

DeviceContext::~DeviceContext() {
    if (context_) driver_.cuda.ctx_destroy(context_);
}

ContextScope::ContextScope(const DeviceContext& device) : cuda_(device.driver().cuda) {
    const CUresult r = cuda_.ctx_push(device.context());
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::DeviceLost, "nvenc: cannot make the CUDA context of '" + device.name() +
                                               "' current: " + cuda_error_text(cuda_, r));
}

ContextScope::~ContextScope() {
    CUcontext popped = nullptr;
    cuda_.ctx_pop(&popped);
}

int device_count(const Driver& driver) {
    int count = 0;
    if (driver.cuda.device_get_count(&count) != CUDA_SUCCESS) return 0;
    return count;
}

std::string device_name(const Driver& driver, int ordinal) {
    CUdevice device = 0;
    char name[256] = {};
    if (driver.cuda.device_get(&device, ordinal) != CUDA_SUCCESS ||
        driver.cuda.device_get_name(name, sizeof name, device) != CUDA_SUCCESS)
        return "CUDA device " + std::to_string(ordinal);
    return name;
}

}  // namespace nvcast::nvenc
