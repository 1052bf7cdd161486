// Launchers for the CUDA kernels (built only when NVCAST_HAVE_GPU_KERNELS). Pointers in the
// descriptions are device pointers; `stream` is a cudaStream_t. Errors throw nvcast::Error.
#pragma once

#include "gpu/convert_tile.h"
#include "gpu/scale_sample.h"
#include "gpu/tone_scale.h"

namespace nvcast::gpu {

void launch_convert(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, void* stream);
// `count` planes (at most 3), one launch; tables must be in device memory.
void launch_scale(const ScalePlane* planes, int count, void* stream);
// Tone map and scale in one launch (tone_scale.h); the job's tables and LUTs in device memory.
void launch_tone_scale(const ToneScaleJob& job, void* stream);

}  // namespace nvcast::gpu
