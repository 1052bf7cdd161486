// nvh264 CUDA engine: error check after a launch (bad configuration, missing kernel image).
#pragma once

#include <cuda_runtime_api.h>

#include "gpu/cuda_check.h"

namespace nvcast::nvh264::cuda {

inline void check_launch(const char* kernel) { gpu::cuda_check(cudaGetLastError(), kernel); }

}  // namespace nvcast::nvh264::cuda
