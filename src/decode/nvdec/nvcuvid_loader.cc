#include "decode/nvdec/nvcuvid_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "nvcast/error.h"

namespace nvcast::nvdec {
namespace {

template <typename T>
void bind(void* lib, T*& fn, const char* symbol, const std::string& path) {
    fn = reinterpret_cast<T*>(::dlsym(lib, symbol));
    if (!fn)
        throw Error(ErrorCode::Unavailable, "NVIDIA decode library " + path + " lacks " + symbol +
                                                " (driver install broken or older than NVDEC API 9.0)");
}

std::unique_ptr<NvcuvidApi> load(const std::string& path) {
    void* lib = ::dlopen(path.c_str(), RTLD_NOW);
    if (!lib) {
        const char* why = ::dlerror();
        throw Error(ErrorCode::Unavailable, "the NVIDIA driver has no NVDEC library: cannot load " + path + ": " +
                                                (why ? why : "unknown error") +
                                                " — install the driver's decode package (e.g. libnvidia-decode-<version>)");
    }
    auto api = std::make_unique<NvcuvidApi>();
    api->path = path;
    bind(lib, api->get_decoder_caps, "cuvidGetDecoderCaps", path);
    bind(lib, api->create_decoder, "cuvidCreateDecoder", path);
    bind(lib, api->destroy_decoder, "cuvidDestroyDecoder", path);
    bind(lib, api->decode_picture, "cuvidDecodePicture", path);
    bind(lib, api->map_frame, "cuvidMapVideoFrame64", path);
    bind(lib, api->unmap_frame, "cuvidUnmapVideoFrame64", path);
    bind(lib, api->create_parser, "cuvidCreateVideoParser", path);
    bind(lib, api->parse_video_data, "cuvidParseVideoData", path);
    bind(lib, api->destroy_parser, "cuvidDestroyVideoParser", path);
    api->get_decode_status = reinterpret_cast<tcuvidGetDecodeStatus*>(::dlsym(lib, "cuvidGetDecodeStatus"));
    return api;
}

}  // namespace

const NvcuvidApi& load_nvcuvid() {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<NvcuvidApi>> loaded;  // never unloaded: callers keep pointers
    const char* env = std::getenv("NVCAST_NVCUVID_LIBRARY");
    const std::string path = env && *env ? env : "libnvcuvid.so.1";
    std::lock_guard lock(mutex);
    auto& slot = loaded[path];
    if (!slot) slot = load(path);
    return *slot;
}

}  // namespace nvcast::nvdec
