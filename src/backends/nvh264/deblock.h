// nvh264: in-loop deblocking filter (8.7). A stage after reconstruction; the
// per-edge arithmetic is NVCAST_HD so the GPU port filters edges in parallel
// (vertical edges of a macroblock row, then horizontal ones, respecting 8.7's order).
#pragma once

#include "backends/nvh264/frame_context.h"

namespace nvcast::nvh264 {

struct DeblockParams {
    int alpha_offset = 0;  // FilterOffsetA (slice_alpha_c0_offset_div2 * 2)
    int beta_offset = 0;
};

// Filters f.rec in place, macroblocks in raster order.
void deblock_stage(FrameContext& f, const DeblockParams& params);

}  // namespace nvcast::nvh264
