// nvh264 CUDA engine: entropy coding and bitstream assembly on the GPU.
//   1. skip runs: per slice, a block-wide max scan finds the last coded macroblock before each one
//   2. CAVLC: one thread per macroblock writes its chunk (the shared write_macroblock)
//   3. per slice, a block-wide sum scan of chunk lengths gives each chunk's bit offset
//   4. slice layout: [NAL header byte][RBSP] segments, one after another
//   5. packing: chunks are OR-ed word by word into place; slice headers and trailers likewise
//   6. emulation prevention: a byte gets 0x03 before it when the input run of zero bytes before it
//      has even length >= 2 and the byte is <= 3 (the sequential rule of 7.4.1, solved per byte),
//      a device-wide prefix sum of those marks gives every byte's output position.
#include <cub/device/device_scan.cuh>
#include <cuda_runtime.h>

#include "backends/nvh264/cavlc.h"
#include "backends/nvh264/chunk_writer.h"
#include "backends/nvh264/cuda/launch_check.h"
#include "backends/nvh264/cuda/stages.h"

namespace nvcast::nvh264::cuda {
namespace {

constexpr int kScanThreads = 1024;

int blocks_for(size_t n, int threads) { return static_cast<int>((n + threads - 1) / threads); }

// Inclusive scan of v over the block with op (Hillis-Steele in shared memory); sh holds blockDim.x ints.
// Afterwards sh[i] is thread i's inclusive result, for every thread to read.
template <class Op>
__device__ int block_inclusive_scan(int v, Op op, int* sh) {
    const int t = static_cast<int>(threadIdx.x);
    sh[t] = v;
    __syncthreads();
    for (int d = 1; d < static_cast<int>(blockDim.x); d <<= 1) {
        const int other = t >= d ? sh[t - d] : 0;
        __syncthreads();
        if (t >= d) sh[t] = op(sh[t], other);
        __syncthreads();
    }
    return sh[t];
}

struct MaxOp {
    __device__ int operator()(int a, int b) const { return a > b ? a : b; }
};
struct SumOp {
    __device__ int operator()(int a, int b) const { return a + b; }
};

__device__ int slice_first_mb(const FrameContext& f, int s) { return f.slice_first_row(s) * f.mb_w; }
__device__ int slice_end_mb(const FrameContext& f, int s) {
    return (s + 1 < f.slices ? f.slice_first_row(s + 1) : f.mb_h) * f.mb_w;
}

// One block per slice.
__global__ void skip_runs_kernel(const FrameContext* fp, BitstreamBuffers b) {
    __shared__ int sh[kScanThreads];
    const FrameContext& f = *fp;
    const int s = static_cast<int>(blockIdx.x), t = static_cast<int>(threadIdx.x);
    const int first = slice_first_mb(f, s), end = slice_end_mb(f, s);
    int last_coded = first - 1;  // index of the last non-skipped macroblock so far
    for (int base = first; base < end; base += kScanThreads) {
        const int i = base + t;
        const int coded = i < end && f.mbs[i].type != kMbPSkip ? i : -1;
        block_inclusive_scan(coded, MaxOp{}, sh);
        const int before = t > 0 ? sh[t - 1] : -1;
        const int last = before > last_coded ? before : last_coded;
        if (i < end) b.skip_before[i] = i - last - 1;
        const int tile_last = sh[kScanThreads - 1];
        __syncthreads();
        if (tile_last > last_coded) last_coded = tile_last;
    }
    if (t == 0) b.trailing_skips[s] = end - 1 - last_coded;
}

__global__ void cavlc_kernel(const FrameContext* fp, BitstreamBuffers b) {
    const FrameContext& f = *fp;
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i >= f.mb_w * f.mb_h) return;
    if (f.mbs[i].type == kMbPSkip) {
        b.chunk_bits[i] = 0;
        return;
    }
    ChunkWriter w;
    w.words = b.chunk_words + static_cast<size_t>(i) * kChunkWords;
    write_macroblock(w, f, i % f.mb_w, i / f.mb_w, f.p_slice ? b.skip_before[i] : -1);
    w.finish();
    b.chunk_bits[i] = w.bits;
    if (w.overflow) atomicExch(&b.totals[2], 1);
}

// One block per slice: bit offsets of the chunks, then the slice's segment length.
__global__ void slice_bits_kernel(const FrameContext* fp, BitstreamBuffers b) {
    __shared__ int sh[kScanThreads];
    const FrameContext& f = *fp;
    const int s = static_cast<int>(blockIdx.x), t = static_cast<int>(threadIdx.x);
    const int first = slice_first_mb(f, s), end = slice_end_mb(f, s);
    int carry = 0;
    for (int base = first; base < end; base += kScanThreads) {
        const int i = base + t;
        const int bits = i < end ? b.chunk_bits[i] : 0;
        const int inclusive = block_inclusive_scan(bits, SumOp{}, sh);
        if (i < end) b.mb_offset[i] = carry + inclusive - bits;
        const int tile_total = sh[kScanThreads - 1];
        __syncthreads();
        carry += tile_total;
    }
    if (t == 0) {
        const int trailing = b.trailing_skips[s];
        const int trailer = f.p_slice && trailing > 0 ? ue_bits(static_cast<uint32_t>(trailing)) : 0;
        const int rbsp_bits = b.headers[s].bits + carry + trailer + 1;  // + rbsp_stop_one_bit
        b.payload_bits[s] = carry;
        b.seg_len[s] = 1 + (rbsp_bits + 7) / 8;
    }
}

__global__ void segments_kernel(BitstreamBuffers b) {
    int offset = 0;
    for (int s = 0; s < b.slices; ++s) {
        b.seg_offset[s] = offset;
        offset += b.seg_len[s];
    }
    b.totals[0] = offset;
}

// ORs a word of bits (MSB first) into the bit stream at bit position pos.
__device__ void or_word(uint32_t* words, int64_t pos, uint32_t w) {
    const int64_t d = pos >> 5;
    const int shift = static_cast<int>(pos & 31);
    atomicOr(&words[d], w >> shift);
    if (shift && (w << (32 - shift))) atomicOr(&words[d + 1], w << (32 - shift));
}

__device__ void or_bits(uint32_t* words, int64_t pos, uint32_t value, int n) {
    or_word(words, pos, value << (32 - n));
}

// One block of 32 threads per macroblock, a word per thread.
__global__ void pack_chunks_kernel(const FrameContext* fp, BitstreamBuffers b) {
    const FrameContext& f = *fp;
    const int i = static_cast<int>(blockIdx.x);
    const int bits = b.chunk_bits[i];
    if (bits == 0) return;
    const int s = f.slice_of_row(i / f.mb_w);
    const int64_t base = (static_cast<int64_t>(b.seg_offset[s]) + 1) * 8 + b.headers[s].bits + b.mb_offset[i];
    const uint32_t* words = b.chunk_words + static_cast<size_t>(i) * kChunkWords;
    for (int k = static_cast<int>(threadIdx.x); k < (bits + 31) / 32; k += static_cast<int>(blockDim.x))
        or_word(b.rbsp_words, base + 32 * k, words[k]);
}

// One thread per slice: NAL header byte, slice header bits, trailing mb_skip_run and stop bit.
__global__ void pack_slices_kernel(const FrameContext* fp, BitstreamBuffers b, int nal_unit_type) {
    const FrameContext& f = *fp;
    const int s = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (s >= b.slices) return;
    int64_t pos = static_cast<int64_t>(b.seg_offset[s]) * 8;
    or_bits(b.rbsp_words, pos, static_cast<uint32_t>((3 << 5) | nal_unit_type), 8);  // nal_ref_idc 3
    pos += 8;
    const SliceHeaderBits& h = b.headers[s];
    for (int k = 0; k < (h.bits + 31) / 32; ++k) or_word(b.rbsp_words, pos + 32 * k, h.words[k]);
    pos += h.bits + b.payload_bits[s];
    const int trailing = b.trailing_skips[s];
    if (f.p_slice && trailing > 0) {
        uint32_t tail[2] = {};
        ChunkWriter w;
        w.words = tail;
        put_ue(w, static_cast<uint32_t>(trailing));
        w.finish();
        for (int k = 0; k < (w.bits + 31) / 32; ++k) or_word(b.rbsp_words, pos + 32 * k, tail[k]);
        pos += w.bits;
    }
    or_bits(b.rbsp_words, pos, 1, 1);  // rbsp_stop_one_bit; the alignment zeros are already there
}

__device__ int rbsp_byte(const uint32_t* words, int i) {
    return static_cast<int>((words[i >> 2] >> (24 - 8 * (i & 3))) & 0xffu);
}

__global__ void ep_mark_kernel(BitstreamBuffers b) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (static_cast<size_t>(i) >= b.capacity_bytes) return;
    int mark = 0;
    if (i < b.totals[0]) {
        const int v = rbsp_byte(b.rbsp_words, i);
        if (v <= 3) {
            int zeros = 0;  // every segment starts with a non-zero NAL header byte, so this stops there
            for (int j = i - 1; j >= 0 && rbsp_byte(b.rbsp_words, j) == 0; --j) ++zeros;
            mark = zeros >= 2 && (zeros & 1) == 0;
        }
    }
    b.marks[i] = mark;
}

__global__ void ep_scatter_kernel(BitstreamBuffers b) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int total = b.totals[0];
    if (i >= total) return;
    int lo = 0, hi = b.slices - 1;  // the segment holding byte i: last s with seg_offset[s] <= i
    while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        if (b.seg_offset[mid] <= i) lo = mid;
        else hi = mid - 1;
    }
    const int pos = i + b.marks_scan[i] + b.marks[i] + 4 * (lo + 1);
    if (b.marks[i]) b.out[pos - 1] = 3;
    b.out[pos] = static_cast<uint8_t>(rbsp_byte(b.rbsp_words, i));
    if (i == b.seg_offset[lo]) {
        b.out[pos - 4] = 0;
        b.out[pos - 3] = 0;
        b.out[pos - 2] = 0;
        b.out[pos - 1] = 1;
    }
    if (i == total - 1) b.totals[1] = pos + 1;
}

}  // namespace

size_t scan_temp_bytes(size_t capacity_bytes) {
    size_t bytes = 0;
    gpu::cuda_check(cub::DeviceScan::ExclusiveSum(nullptr, bytes, static_cast<const int*>(nullptr),
                                                  static_cast<int*>(nullptr), static_cast<int>(capacity_bytes)),
                    "sizing the nvh264 bitstream scan");
    return bytes;
}

void launch_bitstream(const FrameContext* f, const FrameContext& host_f, int nal_unit_type, BitstreamBuffers& b,
                      cudaStream_t stream) {
    const int n = host_f.mb_w * host_f.mb_h;
    gpu::cuda_check(cudaMemsetAsync(b.totals, 0, 3 * sizeof(int), stream), "clearing nvh264 bitstream totals");
    skip_runs_kernel<<<b.slices, kScanThreads, 0, stream>>>(f, b);
    check_launch("nvh264 skip run kernel");
    cavlc_kernel<<<blocks_for(static_cast<size_t>(n), 64), 64, 0, stream>>>(f, b);
    check_launch("nvh264 CAVLC kernel");
    slice_bits_kernel<<<b.slices, kScanThreads, 0, stream>>>(f, b);
    check_launch("nvh264 slice length kernel");
    segments_kernel<<<1, 1, 0, stream>>>(b);
    check_launch("nvh264 slice layout kernel");
    gpu::cuda_check(cudaMemsetAsync(b.rbsp_words, 0, (b.capacity_bytes / 4 + 1) * sizeof(uint32_t), stream),
                    "clearing the nvh264 bitstream buffer");
    pack_chunks_kernel<<<n, 32, 0, stream>>>(f, b);
    check_launch("nvh264 chunk packing kernel");
    pack_slices_kernel<<<blocks_for(static_cast<size_t>(b.slices), 64), 64, 0, stream>>>(f, b, nal_unit_type);
    check_launch("nvh264 slice packing kernel");
    ep_mark_kernel<<<blocks_for(b.capacity_bytes, 256), 256, 0, stream>>>(b);
    check_launch("nvh264 emulation prevention kernel");
    gpu::cuda_check(cub::DeviceScan::ExclusiveSum(b.scan_temp, b.scan_temp_bytes, b.marks, b.marks_scan,
                                                  static_cast<int>(b.capacity_bytes), stream),
                    "nvh264 emulation prevention scan");
    ep_scatter_kernel<<<blocks_for(b.capacity_bytes, 256), 256, 0, stream>>>(b);
    check_launch("nvh264 NAL assembly kernel");
}

}  // namespace nvcast::nvh264::cuda
