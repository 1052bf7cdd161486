// nvh264: what a macroblock reads from its neighbours — intra prediction
// samples, predicted Intra4x4 modes, motion vector predictors (8.4.1.3).
#pragma once

#include "backends/nvh264/frame_context.h"
#include "backends/nvh264/intra_pred.h"

namespace nvcast::nvh264 {

// Neighbour samples of the 16x16 luma block of macroblock (mbx, mby).
IntraNeighbours luma16_neighbours(const FrameContext& f, int mbx, int mby);
// Neighbour samples of the 8x8 chroma block (plane 1 or 2).
IntraNeighbours chroma_neighbours(const FrameContext& f, int mbx, int mby, int plane);
// Neighbour samples of the 4x4 luma block with coding index blk (top[4..7] substituted when needed).
IntraNeighbours luma4_neighbours(const FrameContext& f, int mbx, int mby, int blk);
// predIntra4x4PredMode of block blk given the modes already chosen in `cur`.
int predicted_intra4_mode(const FrameContext& f, int mbx, int mby, int blk, const MbInfo& cur);

enum class PartShape { k16x16, k16x8, k8x16, k8x8 };
// mvpLX for the partition at (bx, by) of size (bw, bh) in 4x4 units; the frame's MbInfo for
// (mbx, mby) must already hold the vectors of earlier partitions of this macroblock.
Mv predict_mv(const FrameContext& f, int mbx, int mby, int bx, int by, int bw, PartShape shape);
// Motion vector of P_Skip (8.4.1.1).
Mv predict_skip_mv(const FrameContext& f, int mbx, int mby);

}  // namespace nvcast::nvh264
