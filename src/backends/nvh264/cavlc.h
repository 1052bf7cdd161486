// nvh264: CAVLC entropy coding (7.3.5, 9.2). Every macroblock is written into
// its own bit chunk — it only reads finished decisions of its neighbours — and
// the chunks of a slice are concatenated afterwards (a prefix sum of lengths on the GPU).
#pragma once

#include "backends/nvh264/bit_writer.h"
#include "backends/nvh264/frame_context.h"

namespace nvcast::nvh264 {

// residual_block_cavlc for coeffLevel[0..max_coeff-1] (scan order).
void write_residual_block(BitWriter& bw, const int16_t* coeff, int max_coeff, int nC);

// mb_skip_run (P slices, when skip_run >= 0) followed by macroblock_layer() of a non-skipped macroblock.
void write_macroblock(BitWriter& bw, const FrameContext& f, int mbx, int mby, int skip_run);

}  // namespace nvcast::nvh264
