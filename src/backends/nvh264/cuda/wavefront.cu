// nvh264 CUDA engine: the two stages that need a macroblock's left, top-left, top and top-right
// neighbours done first (finishing, deblocking) run in anti-diagonal waves x + 2y, whose macroblocks'
// neighbours all belong to earlier waves, one launch per step; each step finishes one wave and
// deblocks the wave kDeblockLag behind it, so the two chains cost one launch latency per wave, not
// two. The engine records the launches once as a CUDA graph (their arguments depend only on the
// picture size) and replays them per frame.
// Tried and slower (BENCHMARKS.md): a persistent kernel over many blocks handing rows over through
// progress counters (its loads had to bypass L1, and polling cost more than a launch); deblocking the
// whole picture in one block with a barrier between waves (one multiprocessor's four schedulers
// cannot issue a picture's filtering as fast as a launch per wave spreads it over the GPU).
#include <cuda_runtime.h>

#include <algorithm>

#include "backends/nvh264/cuda/launch_check.h"
#include "backends/nvh264/cuda/stages.h"
#include "backends/nvh264/deblock.h"
#include "backends/nvh264/mb_decide.h"

namespace nvcast::nvh264::cuda {
namespace {

// Deblocking wave t changes the samples of waves t, t - 1 and t - 2 (its macroblocks and their left
// and top neighbours). Intra prediction reads unfiltered samples of the left, top-left, top and
// top-right neighbours, which for waves up to t + 3 include wave t's macroblocks and the columns and
// rows its filtering changes; wave t + 4 reads only waves t + 1 .. t + 3. So deblocking wave t may
// run beside finishing wave t + 4, and needs every macroblock it reads finished (the latest, the
// bottom-right neighbour, is in wave t + 3).
constexpr int kDeblockLag = 4;

// A step's blocks: first the macroblocks to finish (one per block, on one thread: macroblocks take
// different paths, intra coding or a skip retry, which in one warp would run one after another),
// then those to deblock (warp 0 filters the 16 luma lines, warp 1 the 16 chroma lines, so neither
// waits through the other's path).
constexpr int kStepThreads = 64;
static_assert(kDeblockLines == 32, "deblocking lines: 16 luma, then 8 Cb and 8 Cr");

// Waves x + 2y of a picture mb_w x mb_h macroblocks: the last is the bottom-right macroblock's.
int wave_count(int mb_w, int mb_h) { return mb_w + 2 * (mb_h - 1); }

// The rows holding a macroblock of wave t (x = t - 2y in [0, mb_w)); none (first > last) outside the picture's waves.
struct WaveRows {
    int first = 0, last = -1;
    int count() const { return last - first + 1; }
};
WaveRows wave_rows(int t, int mb_w, int mb_h) {
    if (t < 0 || t >= wave_count(mb_w, mb_h)) return WaveRows{};
    return WaveRows{t < mb_w ? 0 : (t - mb_w) / 2 + 1, std::min(mb_h - 1, t / 2)};
}

__global__ void wavefront_step_kernel(const FrameContext* f, int finish_wave, int finish_first, int finish_count,
                                      int deblock_wave, int deblock_first) {
    const int b = static_cast<int>(blockIdx.x), thread = static_cast<int>(threadIdx.x);
    if (b < finish_count) {
        const int y = finish_first + b;
        if (thread == 0) finish_mb(*f, finish_wave - 2 * y, y);
        return;
    }
    const int y = deblock_first + b - finish_count, x = deblock_wave - 2 * y;
    const bool filters = thread < 16 || thread >= 32;
    const int line = thread < 32 ? thread : thread - 16;
    if (filters) deblock_line(*f, DeblockParams{}, x, y, 0, line);
    __syncthreads();  // every line across the vertical edges is done before any crosses a horizontal one
    if (filters) deblock_line(*f, DeblockParams{}, x, y, 1, line);
}

}  // namespace

void launch_wavefront(const FrameContext* f, const FrameContext& host_f, bool deblock, cudaStream_t stream) {
    const int waves = wave_count(host_f.mb_w, host_f.mb_h);
    for (int step = 0; step < waves + (deblock ? kDeblockLag : 0); ++step) {
        const WaveRows finish = wave_rows(step, host_f.mb_w, host_f.mb_h);
        const WaveRows filter = deblock ? wave_rows(step - kDeblockLag, host_f.mb_w, host_f.mb_h) : WaveRows{};
        wavefront_step_kernel<<<finish.count() + filter.count(), kStepThreads, 0, stream>>>(
            f, step, finish.first, finish.count(), step - kDeblockLag, filter.first);
    }
    check_launch("nvh264 wavefront kernel");
}

size_t wavefront_stack_bytes() {
    cudaFuncAttributes a{};
    gpu::cuda_check(cudaFuncGetAttributes(&a, reinterpret_cast<const void*>(wavefront_step_kernel)),
                    "reading nvh264 kernel attributes");
    return a.localSizeBytes;
}

}  // namespace nvcast::nvh264::cuda
