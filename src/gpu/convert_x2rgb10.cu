// Conversion kernels for source format X2RGB10 (see convert_kernel.cuh).
#include "gpu/convert_kernel.cuh"

namespace nvcast::gpu {
template void launch_for_source<static_cast<int>(PixelFormat::X2RGB10)>(const PlaneSet&, const PlaneSet&, const ConvertParams&,
                                                                   dim3, dim3, cudaStream_t, int, int, bool);
}  // namespace nvcast::gpu
