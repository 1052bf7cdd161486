// nvh264 CUDA engine: the two stages that need a macroblock's left, top-left, top and top-right
// neighbours done first (finishing, deblocking): one launch per anti-diagonal x + 2y, whose
// macroblocks' neighbours all belong to earlier waves that earlier launches on the stream finished.
// (A persistent kernel handing rows over through progress counters was tried and was slower: its
// loads had to bypass L1, and the polling hand-off cost more than a launch; see BENCHMARKS.md.)
#include <cuda_runtime.h>

#include <algorithm>

#include "backends/nvh264/cuda/launch_check.h"
#include "backends/nvh264/cuda/stages.h"
#include "backends/nvh264/deblock.h"
#include "backends/nvh264/mb_decide.h"

namespace nvcast::nvh264::cuda {
namespace {

// Finishing: one macroblock per block, so one per warp: macroblocks of a wave take different
// paths (intra coding, skip retry), which in one warp would run one after another.
constexpr int kFinishThreads = 1;
// Deblocking: one warp per macroblock, a lane per line across an edge (16 luma + 2 x 8 chroma).
constexpr int kDeblockLanes = 32;

__global__ void finish_wave_kernel(const FrameContext* f, int wave, int y_first) {
    const int y = y_first + static_cast<int>(blockIdx.x);
    const int x = wave - 2 * y;
    if (y < f->mb_h && x >= 0 && x < f->mb_w) finish_mb(*f, x, y);
}

__global__ void deblock_wave_kernel(const FrameContext* f, int wave, int y_first) {
    const int y = y_first + static_cast<int>(blockIdx.x);
    const int x = wave - 2 * y;
    if (y < f->mb_h && x >= 0 && x < f->mb_w)
        deblock_mb(*f, DeblockParams{}, x, y, picture_samples(f->rec, x, y), static_cast<int>(threadIdx.x),
                   static_cast<int>(blockDim.x));
}

template <class Kernel>
void launch_waves(Kernel kernel, int threads, const FrameContext* f, const FrameContext& host_f, cudaStream_t stream,
                  const char* name) {
    const int waves = host_f.mb_w + 2 * (host_f.mb_h - 1);
    for (int t = 0; t < waves; ++t) {
        // Rows that hold a macroblock of this wave: x = t - 2y in [0, mb_w).
        const int y_first = t < host_f.mb_w ? 0 : (t - host_f.mb_w) / 2 + 1;
        const int y_last = std::min(host_f.mb_h - 1, t / 2);
        kernel<<<y_last - y_first + 1, threads, 0, stream>>>(f, t, y_first);
    }
    check_launch(name);
}

}  // namespace

void launch_finish(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream) {
    launch_waves(finish_wave_kernel, kFinishThreads, f, host_f, stream, "nvh264 finishing wavefront kernel");
}

void launch_deblock(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream) {
    launch_waves(deblock_wave_kernel, kDeblockLanes, f, host_f, stream, "nvh264 deblocking kernel");
}

size_t wavefront_stack_bytes() {
    size_t most = 0;
    const void* kernels[] = {reinterpret_cast<const void*>(finish_wave_kernel),
                             reinterpret_cast<const void*>(deblock_wave_kernel)};
    for (const void* k : kernels) {
        cudaFuncAttributes a{};
        gpu::cuda_check(cudaFuncGetAttributes(&a, k), "reading nvh264 kernel attributes");
        most = std::max(most, a.localSizeBytes);
    }
    return most;
}

}  // namespace nvcast::nvh264::cuda
