#include "driver/cuda_driver.h"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "nvcast/error.h"

namespace nvcast::driver {
namespace {

template <typename T>
void bind(void* lib, T*& fn, const char* symbol, const std::string& path) {
    fn = reinterpret_cast<T*>(::dlsym(lib, symbol));
    if (!fn)
        throw Error(ErrorCode::Unavailable,
                    "NVIDIA driver library " + path + " lacks " + symbol + " (driver install broken or too old)");
}

std::unique_ptr<CudaApi> load(const std::string& path) {
    void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        const char* why = ::dlerror();
        throw Error(ErrorCode::Unavailable, "no NVIDIA driver: cannot load the CUDA driver (" + path +
                                                "): " + (why ? why : "unknown error") +
                                                " — install the NVIDIA driver or pick a software path");
    }
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

const CudaApi& load_cuda() {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<CudaApi>> loaded;  // never unloaded: callers keep pointers
    const char* env = std::getenv("NVCAST_CUDA_LIBRARY");
    const std::string path = env && *env ? env : "libcuda.so.1";
    std::lock_guard lock(mutex);
    auto& slot = loaded[path];
    if (!slot) slot = load(path);
    return *slot;
}

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
