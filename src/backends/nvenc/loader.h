// Run-time loading of the NVIDIA driver libraries (never linked): libnvidia-encode.so.1
// here, libcuda.so.1 through src/driver/, so one binary runs with or without the driver.
// The paths can be overridden with NVCAST_NVENC_LIBRARY and NVCAST_CUDA_LIBRARY (tests
// point them at the emulator in emu/).
#pragma once

#include <string>

#include <ffnvcodec/dynlink_cuda.h>
#include <ffnvcodec/nvEncodeAPI.h>

#include "driver/cuda_driver.h"

namespace nvcast::nvenc {

// The CUDA driver table is shared with the rest of nvcast (src/driver/cuda_driver.h).
using driver::CudaApi;
using driver::cuda_error_text;

using NvEncodeApiCreateInstanceFn = NVENCSTATUS(NVENCAPI*)(NV_ENCODE_API_FUNCTION_LIST*);
using NvEncodeApiGetMaxSupportedVersionFn = NVENCSTATUS(NVENCAPI*)(uint32_t*);

struct Driver {
    CudaApi cuda;  // a copy of the shared table
    NvEncodeApiCreateInstanceFn create_instance = nullptr;
    NvEncodeApiGetMaxSupportedVersionFn max_supported_version = nullptr;
    std::string nvenc_path, cuda_path;
    bool cuda_initialized = false;
};

// The libraries named by the environment (or the defaults), loaded once per path.
// Throws Error(Unavailable) naming the library and the loader's reason.
const Driver& load_driver();

}  // namespace nvcast::nvenc
