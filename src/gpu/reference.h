// Plain C++ reference implementations: the same tile/sample functions the kernels run,
// looped over the frame on `threads` worker threads (the work split never changes results).
#pragma once

#include "gpu/convert_tile.h"
#include "gpu/scale_sample.h"

namespace nvcast::gpu {

void convert_reference(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, int threads);
void scale_reference(const ScalePlane* planes, int count, int threads);

}  // namespace nvcast::gpu
