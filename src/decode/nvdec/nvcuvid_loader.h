// libnvcuvid.so.1 (NVIDIA's decode library, part of the driver), loaded at run time and
// never linked. NVCAST_NVCUVID_LIBRARY overrides the path (tests point it at the NVDEC
// emulator in emu/nvdec).
#pragma once

#include <string>

#include <ffnvcodec/dynlink_cuda.h>
#include <ffnvcodec/dynlink_nvcuvid.h>

namespace nvcast::nvdec {

struct NvcuvidApi {
    tcuvidGetDecoderCaps* get_decoder_caps = nullptr;
    tcuvidCreateDecoder* create_decoder = nullptr;
    tcuvidDestroyDecoder* destroy_decoder = nullptr;
    tcuvidDecodePicture* decode_picture = nullptr;
    tcuvidMapVideoFrame64* map_frame = nullptr;
    tcuvidUnmapVideoFrame64* unmap_frame = nullptr;
    tcuvidCreateVideoParser* create_parser = nullptr;
    tcuvidParseVideoData* parse_video_data = nullptr;
    tcuvidDestroyVideoParser* destroy_parser = nullptr;
    tcuvidGetDecodeStatus* get_decode_status = nullptr;  // optional
    std::string path;
};

// The library named by NVCAST_NVCUVID_LIBRARY (default libnvcuvid.so.1), loaded once per
// path. Load libcuda first (driver::load_cuda): libnvcuvid resolves its CUDA calls against it.
// Throws Error(Unavailable) naming the library and what to install.
const NvcuvidApi& load_nvcuvid();

}  // namespace nvcast::nvdec
