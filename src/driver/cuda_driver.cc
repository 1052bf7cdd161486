#include "driver/cuda_driver.h"

#include <dlfcn.h>

#include "driver/driver_library.h"
#include "nvcast/error.h"

namespace nvcast::driver {
namespace {

template <typename T>
void bind(void* lib, T*& fn, const char* symbol, const std::string& path) {
    bind_symbol(lib, fn, symbol, "NVIDIA driver library", path, "driver install broken or too old");
}

std::unique_ptr<CudaApi> load(const std::string& path) {
    // RTLD_GLOBAL: libnvidia-encode and libnvcuvid resolve their CUDA calls against it.
    void* lib = open_library(path, true, "no NVIDIA driver", "the CUDA driver",
                             "install the NVIDIA driver or pick a software path");
    auto c = std::make_unique<CudaApi>();
    c->path = path;
    bind(lib, c->init, "cuInit", path);
    bind(lib, c->device_get_count, "cuDeviceGetCount", path);
    bind(lib, c->device_get, "cuDeviceGet", path);
    bind(lib, c->device_get_name, "cuDeviceGetName", path);
    bind(lib, c->device_compute_capability, "cuDeviceComputeCapability", path);
    bind(lib, c->ctx_create, "cuCtxCreate_v2", path);
    bind(lib, c->ctx_destroy, "cuCtxDestroy_v2", path);
    bind(lib, c->ctx_push, "cuCtxPushCurrent_v2", path);
    bind(lib, c->ctx_pop, "cuCtxPopCurrent_v2", path);
    bind(lib, c->ctx_synchronize, "cuCtxSynchronize", path);
    bind(lib, c->ctx_get_current, "cuCtxGetCurrent", path);
    bind(lib, c->primary_ctx_retain, "cuDevicePrimaryCtxRetain", path);
    bind(lib, c->primary_ctx_release, "cuDevicePrimaryCtxRelease", path);
    bind(lib, c->mem_alloc, "cuMemAlloc_v2", path);
    bind(lib, c->mem_alloc_pitch, "cuMemAllocPitch_v2", path);
    bind(lib, c->mem_free, "cuMemFree_v2", path);
    bind(lib, c->memcpy_2d, "cuMemcpy2D_v2", path);
    bind(lib, c->memcpy_2d_async, "cuMemcpy2DAsync_v2", path);
    bind(lib, c->stream_synchronize, "cuStreamSynchronize", path);
    bind(lib, c->get_error_name, "cuGetErrorName", path);
    bind(lib, c->get_error_string, "cuGetErrorString", path);
    c->driver_get_version = reinterpret_cast<CUresult (*)(int*)>(::dlsym(lib, "cuDriverGetVersion"));
    return c;
}

}  // namespace

const CudaApi& load_cuda() { return load_once(library_path("NVCAST_CUDA_LIBRARY", "libcuda.so.1"), &load); }

void initialize_cuda(const CudaApi& cuda) {
    const CUresult r = cuda.init(0);
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::Unavailable, "the CUDA driver failed to initialize: " + cuda_error_text(cuda, r) +
                                                " (no usable NVIDIA GPU?)");
}

std::string cuda_error_text(const CudaApi& cuda, CUresult result) {
    const char* name = nullptr;
    const char* text = nullptr;
    if (cuda.get_error_name) cuda.get_error_name(result, &name);
    if (cuda.get_error_string) cuda.get_error_string(result, &text);
    std::string s = name ? name : "CUDA error " + std::to_string(static_cast<int>(result));
    if (text) s += std::string(" (") + text + ")";
    return s;
}

int device_count(const CudaApi& cuda) {
    int count = 0;
    if (cuda.device_get_count(&count) != CUDA_SUCCESS) return 0;
    return count;
}

std::string device_name(const CudaApi& cuda, int ordinal) {
    CUdevice device = 0;
    char name[256] = {};
    if (cuda.device_get(&device, ordinal) != CUDA_SUCCESS ||
        cuda.device_get_name(name, sizeof name, device) != CUDA_SUCCESS)
        return "CUDA device " + std::to_string(ordinal);
    return name;
}

}  // namespace nvcast::driver
