// The conversion kernel templated on (source, destination) format, and its per-source launcher.
// Included by one convert_<source>.cu per source format (so nvcc builds them in parallel).
#pragma once

#include <cuda_runtime.h>

#include "gpu/convert_fast.cuh"
#include "gpu/convert_formats.h"
#include "gpu/convert_tile.h"

namespace nvcast::gpu {

// Register cap: 4 blocks of 256 threads per SM (64 registers) keeps more warps in flight to hide
// memory latency; pairs with a 10-bit side need more registers and get 3 blocks (85), where 64
// spilled and ran slower (bench, 2026-11-24).
constexpr bool is_10bit(int f) {
    return f == static_cast<int>(PixelFormat::P010) || f == static_cast<int>(PixelFormat::I420_10) ||
           f == static_cast<int>(PixelFormat::I444_10) || f == static_cast<int>(PixelFormat::X2RGB10);
}

template <int SF, int DF>
__global__ void __launch_bounds__(256, (is_10bit(SF) || is_10bit(DF)) ? 3 : 4) convert_kernel(PlaneSet src, PlaneSet dst, ConvertParams params, int tiles_x, int tiles_y) {
    const int tx = blockIdx.x * blockDim.x + threadIdx.x;
    const int ty = blockIdx.y * blockDim.y + threadIdx.y;
    if (tx >= tiles_x || ty >= tiles_y) return;
    convert_tile<SF, DF>(src, dst, params, tx, ty);
}

// Launches one of the pair's two kernels: the fast path (convert_fast.cuh) where `fast`
// (fast_convert_applies), else the general tile kernel (clipped tiles, any alignment, tone mapping).
template <int SF, int DF>
void launch_pair(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, dim3 grid, dim3 block,
                 cudaStream_t stream, int tiles_x, int tiles_y, bool fast) {
    if (fast)
        convert_fast_kernel<SF, DF><<<grid, block, 0, stream>>>(src, dst, params, tiles_x, tiles_y);
    else
        convert_kernel<SF, DF><<<grid, block, 0, stream>>>(src, dst, params, tiles_x, tiles_y);
}

// One kernel per (source, destination) format pair, so layouts are compile-time constants.
template <int SF>
void launch_for_source(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, dim3 grid, dim3 block,
                       cudaStream_t stream, int tiles_x, int tiles_y, bool fast) {
    switch (dst.format) {
#define NVCAST_CASE(F)                                                                                           \
    case PixelFormat::F:                                                                                         \
        launch_pair<SF, static_cast<int>(PixelFormat::F)>(src, dst, params, grid, block, stream, tiles_x, tiles_y, \
                                                          fast);                                                 \
        break;
        NVCAST_CONVERT_FORMATS(NVCAST_CASE)
#undef NVCAST_CASE
    }
}

}  // namespace nvcast::gpu
