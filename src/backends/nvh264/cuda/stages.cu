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

// Planning: every macroblock at once, one thread each.
constexpr int kPlanThreads = 32;

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

// A segment of `lanes` lanes per macroblock sharing each candidate's sample loops (Search, Lanes).
// Lanes only pay while the GPU has idle threads, so the launch picks as many as fill it.
constexpr int kMotionThreads = 64;

__global__ void motion_kernel(const FrameContext* f, unsigned long long* total, int lanes) {
    const int thread = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int i = thread / lanes;
    if (i >= f->mb_w * f->mb_h) return;  // a whole segment leaves together
    const int first = static_cast<int>(threadIdx.x % 32) & ~(lanes - 1);
    const unsigned mask = (lanes == 32 ? 0xffffffffu : (1u << lanes) - 1u) << first;
    const Lanes l{thread % lanes, lanes, mask};
    motion_search_mb(*f, i % f->mb_w, i / f->mb_w, l);
    if (l.lane == 0) atomicAdd(total, static_cast<unsigned long long>(f->motion[i].cost16));
}

// Lanes per macroblock: the largest power of two up to 32 that keeps all lanes resident at about
// 512 threads per multiprocessor.
int motion_lanes(int macroblocks) {
    int device = 0, sms = 1;
    gpu::cuda_check(cudaGetDevice(&device), "nvh264: selecting the CUDA device");
    gpu::cuda_check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "nvh264: reading the SM count");
    int lanes = 1;
    while (lanes < 32 && static_cast<long long>(macroblocks) * lanes * 2 <= 512LL * sms) lanes *= 2;
    return lanes;
}

__global__ void plan_kernel(const FrameContext* f) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < f->mb_w * f->mb_h) plan_mb(*f, i % f->mb_w, i / f->mb_w);
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
    const int lanes = motion_lanes(n);
    motion_kernel<<<blocks_for(n * lanes, kMotionThreads), kMotionThreads, 0, stream>>>(f, total, lanes);
    check_launch("nvh264 motion search kernel");
}

void launch_plan(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream) {
    plan_kernel<<<blocks_for(host_f.mb_w * host_f.mb_h, kPlanThreads), kPlanThreads, 0, stream>>>(f);
    check_launch("nvh264 decision kernel");
}

void launch_speculate_skips(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream) {
    speculate_skip_kernel<<<blocks_for(host_f.mb_w * host_f.mb_h, kPlanThreads), kPlanThreads, 0, stream>>>(f);
    check_launch("nvh264 skip trial kernel");
}

void launch_vector_differences(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream) {
    vector_differences_kernel<<<blocks_for(host_f.mb_w * host_f.mb_h, kPlanThreads), kPlanThreads, 0, stream>>>(f);
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
