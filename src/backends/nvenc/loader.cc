#include "backends/nvenc/loader.h"

#include <dlfcn.h>

#include <map>
#include <memory>
#include <mutex>

#include "driver/driver_library.h"
#include "nvcast/error.h"

namespace nvcast::nvenc {
namespace {

void* open_nvenc_library(const std::string& path) {
    // CUDA loaded: the driver is there, its NVENC part is not
    return driver::open_library(path, true, "the NVIDIA driver has no NVENC library", "the NVENC library",
                                "install the driver's encode package (e.g. libnvidia-encode-<version>)");
}

}  // namespace

const Driver& load_driver() {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<Driver>> loaded;
    const driver::CudaApi& cuda = driver::load_cuda();
    const std::string nvenc_path = driver::library_path("NVCAST_NVENC_LIBRARY", "libnvidia-encode.so.1");
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
