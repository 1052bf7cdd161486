// nvh264 CUDA engine: the picture stages as kernels over the shared per-macroblock code.
#include <cuda_runtime.h>

#include <algorithm>

#include "backends/nvh264/analysis.h"
#include "backends/nvh264/cuda/launch_check.h"
#include "backends/nvh264/cuda/stages.h"
#include "backends/nvh264/interpolation.h"
#include "backends/nvh264/mb_decide.h"
#include "backends/nvh264/motion_search.h"

namespace nvcast::nvh264::cuda {
namespace {

// Per-macroblock kernels without lanes: one thread each.
constexpr int kMbThreads = 32;
// Kernels whose macroblocks share their SATD loops among lanes (Lanes): threads per block, and how
// many threads per multiprocessor the lanes may fill.
constexpr int kLaneThreads = 64;
constexpr int kLaneThreadsPerSm = 512;
// The decision holds 255 registers a thread, so few of its warps are resident: past 4 lanes per
// macroblock more lanes queue rather than overlap (H200, 1080p: 8 lanes 1.20 ms, 4 lanes 1.02 ms).
constexpr int kPlanMaxLanes = 4;

int blocks_for(int n, int threads) { return (n + threads - 1) / threads; }

// blockIdx.z selects the plane.
__global__ void load_kernel(InputPlanes in, PictureView src) {
    const PlaneView& p = src.plane(static_cast<int>(blockIdx.z));
    const int x = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int y = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
    if (x < p.width && y < p.height) p.row(y)[x] = load_sample(in, static_cast<int>(blockIdx.z), x, y);
}

__global__ void intra_complexity_kernel(PlaneView y, unsigned long long* total) {
    const int bx = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x) * 8;
    const int by = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y) * 8;
    if (bx + 8 > y.width || by + 8 > y.height) return;
    atomicAdd(total, static_cast<unsigned long long>(intra_block_complexity(y, bx, by)));
}

// This thread's macroblock and lane when a segment of `lanes` lanes (a power of two up to 32) shares
// each macroblock's sample loops. A whole segment has the same macroblock, so it leaves together.
struct MbLane {
    int mb;
    Lanes lanes;
};
__device__ MbLane mb_lane(int lanes) {
    const int thread = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int first = static_cast<int>(threadIdx.x % 32) & ~(lanes - 1);
    const unsigned mask = (lanes == 32 ? 0xffffffffu : (1u << lanes) - 1u) << first;
    return MbLane{thread / lanes, Lanes{thread % lanes, lanes, mask}};
}

__global__ void motion_kernel(const FrameContext* f, unsigned long long* total, int lanes) {
    const MbLane t = mb_lane(lanes);
    if (t.mb >= f->mb_w * f->mb_h) return;
    motion_search_mb(*f, t.mb % f->mb_w, t.mb / f->mb_w, t.lanes);
    if (t.lanes.lane == 0) atomicAdd(total, static_cast<unsigned long long>(f->motion[t.mb].cost16));
}

// Lanes per macroblock: lanes only pay while the GPU has idle threads, so the largest power of two
// up to 32 that keeps all lanes resident at `per_sm` threads per multiprocessor.
int lanes_per_macroblock(int macroblocks, int per_sm) {
    int device = 0, sms = 1;
    gpu::cuda_check(cudaGetDevice(&device), "nvh264: selecting the CUDA device");
    gpu::cuda_check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "nvh264: reading the SM count");
    int lanes = 1;
    while (lanes < 32 && static_cast<long long>(macroblocks) * lanes * 2 <= static_cast<long long>(per_sm) * sms)
        lanes *= 2;
    return lanes;
}

__global__ void plan_kernel(const FrameContext* f, int lanes) {
    const MbLane t = mb_lane(lanes);
    if (t.mb < f->mb_w * f->mb_h) plan_mb(*f, t.mb % f->mb_w, t.mb / f->mb_w, t.lanes);
}

__global__ void speculate_skip_kernel(const FrameContext* f) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < f->mb_w * f->mb_h) speculate_skip_mb(*f, i % f->mb_w, i / f->mb_w);
}

__global__ void vector_differences_kernel(const FrameContext* f) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < f->mb_w * f->mb_h) vector_differences_mb(*f, i % f->mb_w, i / f->mb_w);
}

__global__ void half_planes_kernel(RefView ref) {
    const int pad = PaddedView::kPad;
    const int x = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x) - pad;
    const int y = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y) - pad;
    if (x < ref.pic.y.width + pad && y < ref.pic.y.height + pad) half_samples_at(ref, x, y);
}

}  // namespace

void launch_load(const InputPlanes& in, const PictureView& src, cudaStream_t stream) {
    const dim3 block(32, 8);
    load_kernel<<<dim3(blocks_for(src.y.width, 32), blocks_for(src.y.height, 8), 3), block, 0, stream>>>(in, src);
    check_launch("nvh264 load kernel");
}

void launch_intra_complexity(const PictureView& src, unsigned long long* total, cudaStream_t stream) {
    const dim3 block(16, 8);
    intra_complexity_kernel<<<dim3(blocks_for(src.y.width / 8, 16), blocks_for(src.y.height / 8, 8)), block, 0,
                              stream>>>(src.y, total);
    check_launch("nvh264 intra analysis kernel");
}

void launch_motion_search(const FrameContext* f, const FrameContext& host_f, unsigned long long* total,
                          cudaStream_t stream) {
    const int n = host_f.mb_w * host_f.mb_h;
    const int lanes = lanes_per_macroblock(n, kLaneThreadsPerSm);
    motion_kernel<<<blocks_for(n * lanes, kLaneThreads), kLaneThreads, 0, stream>>>(f, total, lanes);
    check_launch("nvh264 motion search kernel");
}

void launch_plan(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream) {
    const int n = host_f.mb_w * host_f.mb_h;
    const int lanes = std::min(kPlanMaxLanes, lanes_per_macroblock(n, kLaneThreadsPerSm));
    plan_kernel<<<blocks_for(n * lanes, kLaneThreads), kLaneThreads, 0, stream>>>(f, lanes);
    check_launch("nvh264 decision kernel");
}

void launch_speculate_skips(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream) {
    speculate_skip_kernel<<<blocks_for(host_f.mb_w * host_f.mb_h, kMbThreads), kMbThreads, 0, stream>>>(f);
    check_launch("nvh264 skip trial kernel");
}

void launch_vector_differences(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream) {
    vector_differences_kernel<<<blocks_for(host_f.mb_w * host_f.mb_h, kMbThreads), kMbThreads, 0, stream>>>(f);
    check_launch("nvh264 vector difference kernel");
}

void launch_half_planes(const RefView& ref, cudaStream_t stream) {
    const int pad = PaddedView::kPad;
    const dim3 block(32, 8);
    half_planes_kernel<<<dim3(blocks_for(ref.pic.y.width + 2 * pad, 32), blocks_for(ref.pic.y.height + 2 * pad, 8)),
                         block, 0, stream>>>(ref);
    check_launch("nvh264 half-sample kernel");
}

size_t stage_stack_bytes() {
    size_t most = 0;
    const void* kernels[] = {reinterpret_cast<const void*>(motion_kernel), reinterpret_cast<const void*>(plan_kernel),
                             reinterpret_cast<const void*>(speculate_skip_kernel),
                             reinterpret_cast<const void*>(vector_differences_kernel),
                             reinterpret_cast<const void*>(half_planes_kernel)};
    for (const void* k : kernels) {
        cudaFuncAttributes a{};
        gpu::cuda_check(cudaFuncGetAttributes(&a, k), "reading nvh264 kernel attributes");
        most = std::max(most, a.localSizeBytes);
    }
    return std::max(most, wavefront_stack_bytes());
}

}  // namespace nvcast::nvh264::cuda
