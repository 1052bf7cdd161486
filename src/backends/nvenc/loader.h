// Run-time loading of the NVIDIA driver libraries (never linked): libnvidia-encode.so.1
// and libcuda.so.1, so one binary runs with or without the driver. The paths can be
// overridden with NVCAST_NVENC_LIBRARY and NVCAST_CUDA_LIBRARY (tests point them at
// the emulator in emu/).
#pragma once

#include <string>

#include <ffnvcodec/dynlink_cuda.h>
#include <ffnvcodec/nvEncodeAPI.h>

namespace nvcast::nvenc {

struct CudaApi {
    tcuInit* init = nullptr;
    tcuDeviceGetCount* device_get_count = nullptr;
    tcuDeviceGet* device_get = nullptr;
    tcuDeviceGetName* device_get_name = nullptr;
    tcuDeviceComputeCapability* device_compute_capability = nullptr;
    tcuCtxCreate_v2* ctx_create = nullptr;
    tcuCtxDestroy_v2* ctx_destroy = nullptr;
    tcuCtxPushCurrent_v2* ctx_push = nullptr;
    tcuCtxPopCurrent_v2* ctx_pop = nullptr;
    tcuMemAlloc_v2* mem_alloc = nullptr;
    tcuMemAllocPitch_v2* mem_alloc_pitch = nullptr;
    tcuMemFree_v2* mem_free = nullptr;
    tcuMemcpy2D_v2* memcpy_2d = nullptr;
    tcuGetErrorName* get_error_name = nullptr;
    tcuGetErrorString* get_error_string = nullptr;
    CUresult (*driver_get_version)(int*) = nullptr;  // optional
};

using NvEncodeApiCreateInstanceFn = NVENCSTATUS(NVENCAPI*)(NV_ENCODE_API_FUNCTION_LIST*);
using NvEncodeApiGetMaxSupportedVersionFn = NVENCSTATUS(NVENCAPI*)(uint32_t*);

struct Driver {
    CudaApi cuda;
    NvEncodeApiCreateInstanceFn create_instance = nullptr;
    NvEncodeApiGetMaxSupportedVersionFn max_supported_version = nullptr;
    std::string nvenc_path, cuda_path;
    bool cuda_initialized = false;
};

// The libraries named by the environment (or the defaults), loaded once per path.
// Throws Error(Unavailable) naming the library and the loader's reason.
const Driver& load_driver();

// "CUDA_ERROR_X (text)" for a CUresult.
std::string cuda_error_text(const CudaApi& cuda, CUresult result);

}  // namespace nvcast::nvenc
