// Conversion kernels for source format P010 (see convert_kernel.cuh).
#include "gpu/convert_kernel.cuh"

namespace nvcast::gpu {
template void launch_for_source<static_cast<int>(PixelFormat::P010)>(const PlaneSet&, const PlaneSet&, const ConvertParams&,
                                                                   dim3, dim3, cudaStream_t, int, int, bool);
}  // namespace nvcast::gpu
