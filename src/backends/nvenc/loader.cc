#include "backends/nvenc/loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "nvcast/error.h"

namespace nvcast::nvenc {
namespace {

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

void* open_library(const std::string& path, const char* what, bool driver_present) {
    // RTLD_GLOBAL for libcuda: libnvidia-encode resolves its CUDA calls against it.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
        const char* why = ::dlerror();
        const std::string detail = std::string(what) + " (" + path + "): " + (why ? why : "unknown error");
        if (driver_present)  // CUDA loaded: the driver is there, its NVENC part is not
            throw Error(ErrorCode::Unavailable, "the NVIDIA driver has no NVENC library: cannot load " + detail +
                                                    " — install the driver's encode package (e.g. libnvidia-encode-<version>)");
        throw Error(ErrorCode::Unavailable, "no NVIDIA driver: cannot load " + detail +
                                                " — install the NVIDIA driver or pick a software backend");
    }
    return handle;
}

template <typename T>
void bind(void* lib, T*& fn, const char* symbol, const std::string& path) {
    fn = reinterpret_cast<T*>(::dlsym(lib, symbol));
    if (!fn)
        throw Error(ErrorCode::Unavailable,
                    "NVIDIA driver library " + path + " lacks " + symbol + " (driver install broken or too old)");
}

}  // namespace

const Driver& load_driver() {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<Driver>> loaded;
    const std::string cuda_path = env_or("NVCAST_CUDA_LIBRARY", "libcuda.so.1");
    const std::string nvenc_path = env_or("NVCAST_NVENC_LIBRARY", "libnvidia-encode.so.1");
    std::lock_guard lock(mutex);
    auto& slot = loaded[cuda_path + "|" + nvenc_path];
    if (slot) return *slot;

    auto d = std::make_unique<Driver>();
    d->cuda_path = cuda_path;
    d->nvenc_path = nvenc_path;
    void* cuda = open_library(cuda_path, "the CUDA driver", false);
    CudaApi& c = d->cuda;
    bind(cuda, c.init, "cuInit", cuda_path);
    bind(cuda, c.device_get_count, "cuDeviceGetCount", cuda_path);
    bind(cuda, c.device_get, "cuDeviceGet", cuda_path);
    bind(cuda, c.device_get_name, "cuDeviceGetName", cuda_path);
    bind(cuda, c.device_compute_capability, "cuDeviceComputeCapability", cuda_path);
    bind(cuda, c.ctx_create, "cuCtxCreate_v2", cuda_path);
    bind(cuda, c.ctx_destroy, "cuCtxDestroy_v2", cuda_path);
    bind(cuda, c.ctx_push, "cuCtxPushCurrent_v2", cuda_path);
    bind(cuda, c.ctx_pop, "cuCtxPopCurrent_v2", cuda_path);
    bind(cuda, c.mem_alloc, "cuMemAlloc_v2", cuda_path);
    bind(cuda, c.mem_alloc_pitch, "cuMemAllocPitch_v2", cuda_path);
    bind(cuda, c.mem_free, "cuMemFree_v2", cuda_path);
    bind(cuda, c.memcpy_2d, "cuMemcpy2D_v2", cuda_path);
    bind(cuda, c.get_error_name, "cuGetErrorName", cuda_path);
    bind(cuda, c.get_error_string, "cuGetErrorString", cuda_path);
    c.driver_get_version = reinterpret_cast<CUresult (*)(int*)>(::dlsym(cuda, "cuDriverGetVersion"));

    void* nvenc = open_library(nvenc_path, "the NVENC library", true);
    d->create_instance = reinterpret_cast<NvEncodeApiCreateInstanceFn>(::dlsym(nvenc, "NvEncodeAPICreateInstance"));
    d->max_supported_version =
        reinterpret_cast<NvEncodeApiGetMaxSupportedVersionFn>(::dlsym(nvenc, "NvEncodeAPIGetMaxSupportedVersion"));
    if (!d->create_instance || !d->max_supported_version)
        throw Error(ErrorCode::Unavailable, "NVENC library " + nvenc_path +
                                                " lacks NvEncodeAPICreateInstance/NvEncodeAPIGetMaxSupportedVersion");
    const CUresult init = c.init(0);
    if (init != CUDA_SUCCESS)
        throw Error(ErrorCode::Unavailable, "the CUDA driver failed to initialize: " + cuda_error_text(c, init) +
                                                " (no usable NVIDIA GPU?)");
    d->cuda_initialized = true;
    slot = std::move(d);
    return *slot;
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

}  // namespace nvcast::nvenc
