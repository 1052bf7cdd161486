// nvh264: mode decision + transform + reconstruction of one macroblock (the
// wavefront stage: a macroblock needs its left, top-left, top and top-right
// neighbours finished, so all macroblocks of one anti-diagonal run in parallel).
#pragma once

#include "backends/nvh264/frame_context.h"

namespace nvcast::nvh264 {

void decide_and_reconstruct(FrameContext& f, int mbx, int mby);

// Runs decide_and_reconstruct over the frame in wavefront order (x + 2y ascending).
void wavefront_stage(FrameContext& f);

}  // namespace nvcast::nvh264
