#include "decode/nvdec/nvcuvid_loader.h"

#include <dlfcn.h>

#include "driver/driver_library.h"
#include "nvcast/error.h"

namespace nvcast::nvdec {
namespace {

template <typename T>
void bind(void* lib, T*& fn, const char* symbol, const std::string& path) {
    driver::bind_symbol(lib, fn, symbol, "NVIDIA decode library", path,
                        "driver install broken or older than NVDEC API 9.0");
}

std::unique_ptr<NvcuvidApi> load(const std::string& path) {
    void* lib = driver::open_library(path, false, "the NVIDIA driver has no NVDEC library", "the NVDEC library",
                                     "install the driver's decode package (e.g. libnvidia-decode-<version>)");
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
    return driver::load_once(driver::library_path("NVCAST_NVCUVID_LIBRARY", "libnvcuvid.so.1"), &load);
}

}  // namespace nvcast::nvdec
