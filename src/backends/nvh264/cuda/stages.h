// nvh264 CUDA engine: host-callable launches of the per-frame stages. Each kernel
// calls the same per-macroblock / per-sample functions as the CPU reference.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "backends/nvh264/frame_context.h"
#include "backends/nvh264/load.h"

namespace nvcast::nvh264::cuda {

// Device frame planes -> macroblock-aligned source picture (edges repeated).
void launch_load(const InputPlanes& in, const PictureView& src, cudaStream_t stream);
// Adds the intra complexity of every 8x8 luma block to *total (zero it first).
void launch_intra_complexity(const PictureView& src, unsigned long long* total, cudaStream_t stream);
// Motion search of every macroblock (f lives in device memory; host_f is its host copy for sizes);
// adds the 16x16 costs to *total.
void launch_motion_search(const FrameContext* f, const FrameContext& host_f, unsigned long long* total,
                          cudaStream_t stream);
// Mode decision of every macroblock at once (plan_mb, lanes sharing its SATD loops), inter macroblocks coded too.
void launch_plan(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream);
// speculate_skip_mb of every macroblock at once (P pictures, after launch_plan).
void launch_speculate_skips(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream);
// finish_mb (intra coding, P_Skip) in anti-diagonal waves x + 2y, and with `deblock` the deblocking
// filter a few waves behind (the same order is equivalent to raster order, 8.7): wavefront.cu.
void launch_wavefront(const FrameContext* f, const FrameContext& host_f, bool deblock, cudaStream_t stream);
// vector_differences_mb of every macroblock at once (P pictures, after launch_wavefront).
void launch_vector_differences(const FrameContext* f, const FrameContext& host_f, cudaStream_t stream);
// Largest per-thread local memory of the wavefront kernel.
size_t wavefront_stack_bytes();
// Half-sample planes of the reference (one thread per sample, border included).
void launch_half_planes(const RefView& ref, cudaStream_t stream);
// Largest per-thread local memory (stack) any stage kernel needs.
size_t stage_stack_bytes();

// The bits of one slice header, MSB first in 32-bit words (most significant bit first).
struct SliceHeaderBits {
    uint32_t words[16];
    int bits;
};

// Device memory of the entropy stage, sized by the engine for the frame.
struct BitstreamBuffers {
    int slices = 0;
    uint32_t* chunk_words = nullptr;  // n * kChunkWords
    int* chunk_bits = nullptr;        // n
    int* skip_before = nullptr;       // n: mb_skip_run before each macroblock
    int* mb_offset = nullptr;         // n: bit offset of the chunk within its slice's macroblock data
    int* trailing_skips = nullptr;    // slices
    int* payload_bits = nullptr;      // slices: bits of all chunks of the slice
    int* seg_offset = nullptr;        // slices: byte offset of [NAL header][RBSP] in rbsp_words
    int* seg_len = nullptr;           // slices
    SliceHeaderBits* headers = nullptr;  // slices (uploaded per frame)
    int* totals = nullptr;            // [0] RBSP bytes in, [1] Annex-B bytes out, [2] chunk overflow
    uint32_t* rbsp_words = nullptr;   // capacity_bytes / 4 + 1
    int* marks = nullptr;             // capacity_bytes: emulation prevention byte before byte i
    int* marks_scan = nullptr;        // capacity_bytes: exclusive prefix sum of marks
    uint8_t* out = nullptr;           // out_capacity_bytes
    void* scan_temp = nullptr;
    size_t scan_temp_bytes = 0;
    size_t capacity_bytes = 0;
    size_t out_capacity_bytes = 0;
};

// Temporary storage the emulation-prevention scan needs for `capacity_bytes` items.
size_t scan_temp_bytes(size_t capacity_bytes);

// CAVLC of every macroblock, per-slice prefix sums, bit packing and emulation prevention:
// b.out receives the slices as Annex-B NAL units (start code, header byte, escaped RBSP),
// b.totals[1] their size. nal_unit_type is 5 (IDR) or 1.
void launch_bitstream(const FrameContext* f, const FrameContext& host_f, int nal_unit_type, BitstreamBuffers& b,
                      cudaStream_t stream);

}  // namespace nvcast::nvh264::cuda
