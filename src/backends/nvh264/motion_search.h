// nvh264: motion search, a whole-frame stage with one independent task per
// macroblock (one thread block per macroblock on the GPU). It cannot see the
// final motion vector predictors (those need the wavefront), so its rate term
// uses the co-located vector of the previous frame as the centre.
#pragma once

#include <vector>

#include "backends/nvh264/frame_context.h"

namespace nvcast::nvh264 {

// Fills f.motion for every macroblock. prev holds the previous frame's results (may be empty).
void motion_search_stage(FrameContext& f, const std::vector<MotionResult>& prev);

}  // namespace nvcast::nvh264
