// libnvcuvid.so.1 stand-in: NVIDIA's decode API (parser + decoder) over libavcodec, so NVDEC
// clients run on machines without a GPU. Decode surfaces live in the CUDA stand-in's "device"
// memory (host memory with range tracking), so mapped frames are valid emulated device pointers.
//
// How the two halves stay faithful to NVDEC without sharing state: the parser runs its own
// libavcodec decoder only to learn the sequence (size, bit depth) and the display order; the
// decoder decodes, from the bytes cuvidDecodePicture hands it, into the surface CurrPicIdx
// names. Both see the same pictures in the same order, so when the parser displays a picture
// the decoder has already written it.
//
// Faults (NVCAST_EMU_FAULTS, see common/faults.h): nvdec_map_fail_at=N (the Nth map in the
// process fails with CUDA_ERROR_MAP_FAILED), nvdec_decode_fail_at=N (the Nth cuvidDecodePicture
// fails with CUDA_ERROR_UNKNOWN), gpu_name=... .
#pragma once

#include <cstdint>
#include <string>

#include <ffnvcodec/dynlink_cuda.h>
#include <ffnvcodec/dynlink_nvcuvid.h>

extern "C" {
struct AVCodecContext;
}

#define NVCAST_EMU_EXPORT extern "C" __attribute__((visibility("default")))

// The CUDA stand-in's calls (libcuda.so.1 in emu/cuda, linked).
extern "C" {
CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytes);
CUresult cuMemFree_v2(CUdeviceptr dptr);
CUresult cuCtxGetCurrent(CUcontext* ctx);
}

namespace nvcast::emu::nvdec {

// CUDA status codes dynlink_cuda.h does not name.
enum : int {
    kSuccess = 0, kInvalidValue = 1, kOutOfMemory = 2, kInvalidContext = 201, kMapFailed = 205,
    kInvalidHandle = 400, kNotSupported = 801, kUnknown = 999,
};
inline CUresult status(int code) { return static_cast<CUresult>(code); }

// A libavcodec decoder for an NVDEC codec (one thread: deterministic and in step with its
// twin); nullptr when this libavcodec lacks it.
AVCodecContext* open_codec(cudaVideoCodec codec);

// Bit depth and 4:2:0-ness of a libavcodec pixel format (0 when not planar YUV).
int bit_depth_of(int av_pixel_format);
bool is_420(int av_pixel_format);

// Counts calls for the nvdec_*_fail_at faults: true when this is the failing one.
bool fault_hits(const char* key);

}  // namespace nvcast::emu::nvdec
