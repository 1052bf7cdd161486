// CUDA runtime error checking (only for sources built with the CUDA toolkit).
#pragma once

#include <cuda_runtime_api.h>

#include <string>

#include "nvcast/error.h"

namespace nvcast::gpu {

inline void cuda_check(cudaError_t status, const char* what) {
    if (status == cudaSuccess) return;
    const ErrorCode code = status == cudaErrorMemoryAllocation ? ErrorCode::ResourceExhausted
                           : (status == cudaErrorNoDevice || status == cudaErrorInsufficientDriver)
                               ? ErrorCode::Unavailable
                               : ErrorCode::DeviceLost;
    throw Error(code, std::string(what) + ": CUDA error " + cudaGetErrorName(status) + " (" +
                          cudaGetErrorString(status) + ")");
}

}  // namespace nvcast::gpu
