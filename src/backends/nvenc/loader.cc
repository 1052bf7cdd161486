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

void* open_nvenc_library(const std::string& path) {
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
        const char* why = ::dlerror();
        // CUDA loaded: the driver is there, its NVENC part is not
        throw Error(ErrorCode::Unavailable, "the NVIDIA driver has no NVENC library: cannot load the NVENC library (" +
                                                path + "): " + (why ? why : "unknown error") +
                                                " — install the driver's encode package (e.g. libnvidia-encode-<version>)");
    }
    return handle;
}

}  // namespace

const Driver& load_driver() {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<Driver>> loaded;
    const driver::CudaApi& cuda = driver::load_cuda();
    const std::string nvenc_path = env_or("NVCAST_NVENC_LIBRARY", "libnvidia-encode.so.1");
    std::lock_guard lock(mutex);
    auto& slot = loaded[cuda.path + "|" + nvenc_path];
    if (slot) return *slot;

    auto d = std::make_unique<Driver>();
    d->cuda = cuda;
    d->cuda_path = cuda.path;
    d->nvenc_path = nvenc_path;
    void* nvenc = open_nvenc_library(nvenc_path);
    d->create_instance = reinterpret_cast<NvEncodeApiCreateInstanceFn>(::dlsym(nvenc, "NvEncodeAPICreateInstance"));
    d->max_supported_version =
        reinterpret_cast<NvEncodeApiGetMaxSupportedVersionFn>(::dlsym(nvenc, "NvEncodeAPIGetMaxSupportedVersion"));
    if (!d->create_instance || !d->max_supported_version)
        throw Error(ErrorCode::Unavailable, "NVENC library " + nvenc_path +
                                                " lacks NvEncodeAPICreateInstance/NvEncodeAPIGetMaxSupportedVersion");
    driver::initialize_cuda(d->cuda);
    d->cuda_initialized = true;
    slot = std::move(d);
    return *slot;
}

}  // namespace nvcast::nvenc
