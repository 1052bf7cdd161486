// nvh264 CUDA engine: the two stages that need a macroblock's left, top-left, top and top-right
// neighbours done first (finishing, deblocking), as one persistent launch each. Every block owns one
// macroblock row, taken in launch order from a ticket counter, and walks it left to right, starting
// macroblock x once the row above has finished x + 1. A block only ever waits for a row whose block
// took its ticket earlier and is therefore already running, so the launch cannot deadlock however
// few blocks fit on the GPU at once.
// This file is compiled with -dlcm=cg (CMakeLists.txt): loads bypass the multiprocessor's L1 cache,
// which is not coherent with the other multiprocessors' writes that the hand-off makes visible.
#include <cuda_runtime.h>

#include "backends/nvh264/cuda/launch_check.h"
#include "backends/nvh264/cuda/stages.h"
#include "backends/nvh264/deblock.h"
#include "backends/nvh264/mb_decide.h"

namespace nvcast::nvh264::cuda {
namespace {

constexpr int kRowThreads = 32;  // one warp per row

struct FinishOp {
    __device__ void operator()(const FrameContext& f, int x, int y) const {
        if (threadIdx.x == 0) finish_mb(f, x, y);
    }
};

// A lane per line across an edge (16 luma + 2 x 8 chroma).
struct DeblockOp {
    __device__ void operator()(const FrameContext& f, int x, int y) const {
        deblock_mb(f, DeblockParams{}, x, y, static_cast<int>(threadIdx.x), kRowThreads);
    }
};

// progress[0]: the next row ticket; progress[1 + y]: macroblocks of row y done.
template <class Op>
__global__ void row_wavefront_kernel(const FrameContext* f, int* progress, Op op) {
    __shared__ int ticket;
    if (threadIdx.x == 0) ticket = atomicAdd(progress, 1);
    __syncthreads();
    const int y = ticket;
    const int mb_w = f->mb_w;
    volatile int* done = progress + 1;
    for (int x = 0; x < mb_w; ++x) {
        if (y > 0 && threadIdx.x == 0) {
            const int need = x + 2 < mb_w ? x + 2 : mb_w;
            while (done[y - 1] < need) __nanosleep(64);
            __threadfence();
        }
        __syncwarp();
        op(*f, x, y);
        __syncwarp();
        if (threadIdx.x == 0) {
            __threadfence();  // this macroblock's writes before the count that publishes them
            done[y] = x + 1;
        }
    }
}

template <class Op>
void launch_rows(const FrameContext& host_f, const FrameContext* f, int* progress, cudaStream_t stream, Op op,
                 const char* name) {
    gpu::cuda_check(cudaMemsetAsync(progress, 0, static_cast<size_t>(host_f.mb_h + 1) * sizeof(int), stream), name);
    row_wavefront_kernel<<<host_f.mb_h, kRowThreads, 0, stream>>>(f, progress, op);
    check_launch(name);
}

}  // namespace

void launch_finish(const FrameContext* f, const FrameContext& host_f, int* progress, cudaStream_t stream) {
    launch_rows(host_f, f, progress, stream, FinishOp{}, "nvh264 finishing wavefront kernel");
}

void launch_deblock(const FrameContext* f, const FrameContext& host_f, int* progress, cudaStream_t stream) {
    launch_rows(host_f, f, progress, stream, DeblockOp{}, "nvh264 deblocking kernel");
}

size_t wavefront_stack_bytes() {
    size_t most = 0;
    const void* kernels[] = {reinterpret_cast<const void*>(row_wavefront_kernel<FinishOp>),
                             reinterpret_cast<const void*>(row_wavefront_kernel<DeblockOp>)};
    for (const void* k : kernels) {
        cudaFuncAttributes a{};
        gpu::cuda_check(cudaFuncGetAttributes(&a, k), "reading nvh264 kernel attributes");
        most = most > a.localSizeBytes ? most : a.localSizeBytes;
    }
    return most;
}

}  // namespace nvcast::nvh264::cuda
