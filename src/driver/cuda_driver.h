// The CUDA driver (libcuda.so.1), loaded at run time and never linked, so one binary runs
// with or without it. Shared by every part of nvcast that talks to the driver API directly
// (the NVENC backend, the NVDEC decoder). NVCAST_CUDA_LIBRARY overrides the path (tests
// point it at the CUDA stand-in in emu/cuda).
#pragma once

#include <string>

#include <ffnvcodec/dynlink_cuda.h>

namespace nvcast::driver {

// The driver calls nvcast uses; every one is present in any driver since CUDA 7.
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
    CUresult (*ctx_synchronize)() = nullptr;  // dynlink_cuda.h has no typedef for these two
    CUresult (*ctx_get_current)(CUcontext*) = nullptr;
    tcuDevicePrimaryCtxRetain* primary_ctx_retain = nullptr;
    tcuDevicePrimaryCtxRelease* primary_ctx_release = nullptr;
    tcuMemAlloc_v2* mem_alloc = nullptr;
    tcuMemAllocPitch_v2* mem_alloc_pitch = nullptr;
    tcuMemFree_v2* mem_free = nullptr;
    tcuMemcpy2D_v2* memcpy_2d = nullptr;
    tcuMemcpy2DAsync_v2* memcpy_2d_async = nullptr;
    tcuStreamSynchronize* stream_synchronize = nullptr;
    tcuGetErrorName* get_error_name = nullptr;
    tcuGetErrorString* get_error_string = nullptr;
    CUresult (*driver_get_version)(int*) = nullptr;  // optional
    std::string path;  // the library these came from
};

// The library named by NVCAST_CUDA_LIBRARY (default libcuda.so.1), loaded and bound once
// per path, opened RTLD_GLOBAL because the driver's other libraries (libnvidia-encode,
// libnvcuvid) resolve their CUDA calls against it. Not initialised: see initialize_cuda().
// Throws Error(Unavailable) naming the library and the loader's reason.
const CudaApi& load_cuda();

// cuInit(0); throws Error(Unavailable) with the driver's reason (no usable GPU).
void initialize_cuda(const CudaApi& cuda);

// "CUDA_ERROR_X (text)" for a CUresult.
std::string cuda_error_text(const CudaApi& cuda, CUresult result);

// Number of CUDA devices (0 when the driver cannot tell) and the name of one.
int device_count(const CudaApi& cuda);
std::string device_name(const CudaApi& cuda, int ordinal);

}  // namespace nvcast::driver
