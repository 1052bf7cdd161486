// CUDA kernels for colour conversion and scaling: thin wrappers over the shared tile/sample
// functions, so each kernel computes exactly what its C++ reference computes.
#include <cuda_runtime.h>

#include "gpu/cuda_check.h"
#include "gpu/kernels.h"

namespace nvcast::gpu {

// Defined in convert_<source>.cu, one instantiation per source format.
template <int SF>
void launch_for_source(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, dim3 grid, dim3 block,
                       cudaStream_t stream, int tiles_x, int tiles_y);

namespace {

struct ScaleJob {
    ScalePlane planes[3];
};

// blockIdx.z selects the plane; each thread writes one pixel (all its components).
__global__ void scale_kernel(ScaleJob job) {
    const ScalePlane& p = job.planes[blockIdx.z];
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.dst_w || y >= p.dst_h) return;
    for (int c = 0; c < p.comps; ++c) scale_write(p, x, y, c, scale_sample(p, x, y, c));
}

}  // namespace

void launch_convert(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, void* stream) {
    const int tiles_x = (dst.width + kTileW - 1) / kTileW;
    const int tiles_y = (dst.height + kTileH - 1) / kTileH;
    const dim3 block(32, 8);
    const dim3 grid((tiles_x + block.x - 1) / block.x, (tiles_y + block.y - 1) / block.y);
    const cudaStream_t s = static_cast<cudaStream_t>(stream);
    switch (src.format) {
#define NVCAST_CASE(F)                                                                                        \
    case PixelFormat::F:                                                                                      \
        launch_for_source<static_cast<int>(PixelFormat::F)>(src, dst, params, grid, block, s, tiles_x, tiles_y); \
        break;
        NVCAST_CASE(NV12)
        NVCAST_CASE(I420)
        NVCAST_CASE(I444)
        NVCAST_CASE(P010)
        NVCAST_CASE(I420_10)
        NVCAST_CASE(I444_10)
        NVCAST_CASE(BGRA)
        NVCAST_CASE(RGBA)
        NVCAST_CASE(RGB24)
        NVCAST_CASE(X2RGB10)
#undef NVCAST_CASE
    }
    cuda_check(cudaGetLastError(), "colour conversion kernel launch");
}

void launch_scale(const ScalePlane* planes, int count, void* stream) {
    if (count <= 0) return;
    ScaleJob job{};
    int max_w = 0, max_h = 0;
    for (int i = 0; i < count && i < 3; ++i) {
        job.planes[i] = planes[i];
        max_w = planes[i].dst_w > max_w ? planes[i].dst_w : max_w;
        max_h = planes[i].dst_h > max_h ? planes[i].dst_h : max_h;
    }
    const dim3 block(32, 8);
    const dim3 grid((max_w + block.x - 1) / block.x, (max_h + block.y - 1) / block.y, count < 3 ? count : 3);
    scale_kernel<<<grid, block, 0, static_cast<cudaStream_t>(stream)>>>(job);
    cuda_check(cudaGetLastError(), "scaling kernel launch");
}

}  // namespace nvcast::gpu
