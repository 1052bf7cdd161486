// The fused tone-map-and-scale kernel (tone_scale.h): one launch from an HDR 4:2:0 frame to a
// smaller SDR 4:2:0 frame, equal bit for bit to the chain of the tone-map and scaling kernels.
#include <cuda_runtime.h>

#include "gpu/cuda_check.h"
#include "gpu/kernels.h"
#include "gpu/tone_scale.h"

namespace nvcast::gpu {

namespace {

// 12 warps a block, two blocks an SM (80 registers a thread): 24 warps in flight, as many as the
// chain's tone-map kernel keeps, to hide the latency of its table loads. 4K -> 1080p is 255 blocks,
// about two for each of an H200's 132 SMs, so the grid is one even wave.
constexpr int kThreads = 384;

// One plane's share of the block's output tile (first sample ox0, oy0; at most tile_w x tile_h)
// from its window plane `rows`, in groups of kScaleBlockRows output rows as the scaler does:
// every source row a group reads is summed horizontally into `sums`, then every output sample
// sums those vertically. Threads take consecutive samples of a row, so reads and writes coalesce.
__device__ void scale_from_window(const ScalePlane& p, const uint8_t* rows, int pitch, int wx0, int wy0, int ox0,
                                  int oy0, int tile_w, int tile_h, float* sums) {
    const int cols = min(tile_w, p.dst_w - ox0), out_rows = min(tile_h, p.dst_h - oy0);
    const int width = cols * p.comps;     // samples of one output row of the tile
    const int stride = tile_w * p.comps;  // floats per row of sums
    for (int g = 0; g < out_rows; g += kScaleBlockRows) {
        const int g_rows = min(kScaleBlockRows, out_rows - g);
        const int first = p.fy.start[oy0 + g];
        const int span = p.fy.start[oy0 + g + g_rows - 1] + p.fy.taps - first;
        for (int e = threadIdx.x; e < span * width; e += kThreads) {
            const int r = e / width, k = e - r * width;
            sums[r * stride + k] = window_row_sum(p, rows, pitch, wx0, wy0, first + r, ox0 + k / p.comps, k % p.comps);
        }
        __syncthreads();
        for (int e = threadIdx.x; e < g_rows * width; e += kThreads) {
            const int r = e / width, k = e - r * width;
            const int oy = oy0 + g + r;
            const float acc = column_sum(p, sums + k, stride, first, oy);
            write_sample(p.dst + static_cast<size_t>(oy) * p.dst_pitch, ox0 * p.comps + k, p.layout, scaled_code(p, acc));
        }
        __syncthreads();  // the next group overwrites the sums
    }
}

template <int SF, int DF>
__global__ void __launch_bounds__(kThreads, 2) tone_scale_kernel(ToneScaleJob job) {
    extern __shared__ __align__(16) uint8_t shared[];
    const ToneScaleWindow w = tone_scale_window(job, blockIdx.x, blockIdx.y);
    const PlaneSet win = window_planes(job, w, shared);
    const int tiles = (w.w / kTileW) * (w.h / kTileH);
    for (int t = threadIdx.x; t < tiles; t += kThreads) tone_map_window_tile<SF, DF>(job, w, win, t);
    __syncthreads();
    float* sums = reinterpret_cast<float*>(shared + window_bytes(job.tiling));
    const int ox0 = blockIdx.x * job.tiling.tile_w, oy0 = blockIdx.y * job.tiling.tile_h;
    for (int plane = 0; plane < 2; ++plane) {
        const int shift = plane == 0 ? 0 : 1;
        int wx0, wy0;
        window_origin(w, plane, wx0, wy0);
        scale_from_window(job.planes[plane], win.data[plane], job.tiling.window_pitch, wx0, wy0, ox0 >> shift,
                          oy0 >> shift, job.tiling.tile_w >> shift, job.tiling.tile_h >> shift, sums);
    }
}

template <int SF, int DF>
void launch_pair(const ToneScaleJob& job, cudaStream_t stream) {
    const auto kernel = tone_scale_kernel<SF, DF>;
    const int bytes = static_cast<int>(job.tiling.shared_bytes);
    if (bytes > 48 * 1024)  // above the default limit a kernel must ask for its shared memory
        cuda_check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes),
                   "raising the tone-map-and-scale kernel's shared memory");
    const ScalePlane& l = job.planes[0];
    const dim3 grid((l.dst_w + job.tiling.tile_w - 1) / job.tiling.tile_w,
                    (l.dst_h + job.tiling.tile_h - 1) / job.tiling.tile_h);
    kernel<<<grid, kThreads, bytes, stream>>>(job);
}

}  // namespace

void launch_tone_scale(const ToneScaleJob& job, void* stream) {
    const cudaStream_t s = static_cast<cudaStream_t>(stream);
    // The pairs plan_tone_scale accepts (tone_scale_plan.cc).
    if (job.src.format == PixelFormat::P010 && job.params.dst_format == PixelFormat::NV12)
        launch_pair<static_cast<int>(PixelFormat::P010), static_cast<int>(PixelFormat::NV12)>(job, s);
    else
        throw Error(ErrorCode::Unsupported, "the tone-map-and-scale kernel is not built for this format pair");
    cuda_check(cudaGetLastError(), "tone-map-and-scale kernel launch");
}

}  // namespace nvcast::gpu
