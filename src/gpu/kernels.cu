// CUDA kernels for colour conversion and scaling: thin wrappers over the shared tile/sample
// functions, so each kernel computes exactly what its C++ reference computes.
#include <cuda_runtime.h>

#include "gpu/cuda_check.h"
#include "gpu/convert_fast.cuh"
#include "gpu/convert_formats.h"
#include "gpu/kernels.h"

namespace nvcast::gpu {

// Defined in convert_<source>.cu, one instantiation per source format.
template <int SF>
void launch_for_source(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, dim3 grid, dim3 block,
                       cudaStream_t stream, int tiles_x, int tiles_y, bool fast);

namespace {

struct ScaleJob {
    ScalePlane planes[3];
};

// blockIdx.z selects the plane; each thread writes one pixel (all its components).
// Direct form, for filters too wide for the shared-memory kernel below.
__global__ void scale_kernel(ScaleJob job) {
    const ScalePlane& p = job.planes[blockIdx.z];
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.dst_w || y >= p.dst_h) return;
    for (int c = 0; c < p.comps; ++c) scale_write(p, x, y, c, scale_sample(p, x, y, c));
}

// Separable form: a block of 32x8 output pixels first filters every source row it needs
// horizontally into shared memory, then filters those sums vertically. Each horizontal sum and
// the vertical sum are the same float operations, in the same order, as scale_sample's.
// TAPS > 0: both axes have that many taps (a compile-time constant, so the loops unroll and the
// column's weights stay in registers for all rows); 0: any counts, read at run time.
template <int TAPS>
__global__ void scale_kernel_separable(ScaleJob job, int span) {
    extern __shared__ float hsum[];  // [comp][row][column]
    const ScalePlane& p = job.planes[blockIdx.z];
    const int ox = blockIdx.x * kScaleBlockCols + threadIdx.x;
    const int oy0 = blockIdx.y * kScaleBlockRows;
    if (static_cast<int>(blockIdx.x) * kScaleBlockCols >= p.dst_w || oy0 >= p.dst_h) return;  // whole block
    const int taps_x = TAPS > 0 ? TAPS : p.fx.taps;
    const int taps_y = TAPS > 0 ? TAPS : p.fy.taps;
    const int oy_last = min(oy0 + kScaleBlockRows - 1, p.dst_h - 1);
    const int r0 = p.fy.start[oy0];
    const int rows = p.fy.start[oy_last] + taps_y - r0;
    const int oxc = ox < p.dst_w ? ox : p.dst_w - 1;
    const int sx0 = p.fx.start[oxc];
    const float* wx = p.fx.weights + static_cast<size_t>(oxc) * taps_x;
    constexpr int kHeld = TAPS > 0 ? TAPS : 1;
    float wx_held[kHeld];  // this column's weights, loaded once for every row
    int x_held[kHeld];     // and its clamped source columns
    if (TAPS > 0) {
#pragma unroll
        for (int i = 0; i < kHeld; ++i) {
            wx_held[i] = wx[i];
            x_held[i] = clamp_to(sx0 + i, 0, p.src_w - 1);
        }
    }
    for (int rr = threadIdx.y; rr < rows; rr += kScaleBlockRows) {
        const int y = clamp_to(r0 + rr, 0, p.src_h - 1);
        const uint8_t* row = p.src + static_cast<size_t>(y) * p.src_pitch;
        for (int c = 0; c < p.comps; ++c) {
            float racc = 0.0f;
            if (TAPS > 0) {
#pragma unroll
                for (int i = 0; i < kHeld; ++i)
                    racc += wx_held[i] * static_cast<float>(read_sample(row, x_held[i] * p.comps + c, p.layout));
            } else {
                for (int i = 0; i < taps_x; ++i) {
                    const int x = clamp_to(sx0 + i, 0, p.src_w - 1);
                    racc += wx[i] * static_cast<float>(read_sample(row, x * p.comps + c, p.layout));
                }
            }
            hsum[(c * span + rr) * kScaleBlockCols + threadIdx.x] = racc;
        }
    }
    __syncthreads();
    const int oy = oy0 + threadIdx.y;
    if (ox >= p.dst_w || oy >= p.dst_h) return;
    const int base = p.fy.start[oy] - r0;
    const float* wy = p.fy.weights + static_cast<size_t>(oy) * taps_y;
    for (int c = 0; c < p.comps; ++c) {
        float acc = 0.0f;
        if (TAPS > 0) {
#pragma unroll
            for (int j = 0; j < kHeld; ++j) acc += wy[j] * hsum[(c * span + base + j) * kScaleBlockCols + threadIdx.x];
        } else {
            for (int j = 0; j < taps_y; ++j) acc += wy[j] * hsum[(c * span + base + j) * kScaleBlockCols + threadIdx.x];
        }
        scale_write(p, ox, oy, c, scaled_code(p, acc));
    }
}

}  // namespace

void launch_convert(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, void* stream) {
    const int tiles_x = (dst.width + kTileW - 1) / kTileW;
    const int tiles_y = (dst.height + kTileH - 1) / kTileH;
    const dim3 block(32, 8);
    const dim3 grid((tiles_x + block.x - 1) / block.x, (tiles_y + block.y - 1) / block.y);
    const cudaStream_t s = static_cast<cudaStream_t>(stream);
    const bool fast = fast_convert_applies(src, dst, params);
    switch (src.format) {
#define NVCAST_CASE(F)                                                                                        \
    case PixelFormat::F:                                                                                      \
        launch_for_source<static_cast<int>(PixelFormat::F)>(src, dst, params, grid, block, s, tiles_x, tiles_y, fast); \
        break;
        NVCAST_CONVERT_FORMATS(NVCAST_CASE)
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
    int span = 0, comps = 1, taps = 0;
    for (int i = 0; i < count && i < 3; ++i) {
        taps = planes[i].fx.taps * planes[i].fy.taps > taps ? planes[i].fx.taps * planes[i].fy.taps : taps;
        span = planes[i].span_y > span ? planes[i].span_y : span;
        comps = planes[i].comps > comps ? planes[i].comps : comps;
    }
    const size_t smem = static_cast<size_t>(comps) * span * kScaleBlockCols * sizeof(float);
    const dim3 block(kScaleBlockCols, kScaleBlockRows);
    const dim3 grid((max_w + block.x - 1) / block.x, (max_h + block.y - 1) / block.y, count < 3 ? count : 3);
    // small footprints (area 2:1) read few enough samples that the direct form is faster
    // One tap count on both axes of every plane (the usual case: the same ratio in x and y) gets
    // an unrolled kernel.
    int same_taps = planes[0].fx.taps;
    for (int i = 0; i < count && i < 3; ++i)
        if (planes[i].fx.taps != same_taps || planes[i].fy.taps != same_taps) same_taps = 0;
    const cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (span > 0 && taps > 4 && smem <= 48 * 1024) {
        switch (same_taps) {
            case 4: scale_kernel_separable<4><<<grid, block, smem, s>>>(job, span); break;
            case 6: scale_kernel_separable<6><<<grid, block, smem, s>>>(job, span); break;
            case 8: scale_kernel_separable<8><<<grid, block, smem, s>>>(job, span); break;
            default: scale_kernel_separable<0><<<grid, block, smem, s>>>(job, span); break;
        }
    } else
        scale_kernel<<<grid, block, 0, static_cast<cudaStream_t>(stream)>>>(job);
    cuda_check(cudaGetLastError(), "scaling kernel launch");
}

}  // namespace nvcast::gpu
