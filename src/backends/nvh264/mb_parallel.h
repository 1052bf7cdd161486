// The CPU reference's whole-picture stages on all cores. A stage the CUDA engine runs as one launch
// over every macroblock (motion search, plan, skip trials, vector differences) has no dependency
// between macroblocks, so splitting its rows among threads gives the same picture as one thread.
#pragma once

#include "backends/nvh264/frame_context.h"
#include "core/parallel_rows.h"

namespace nvcast::nvh264 {

// Runs fn(mbx, mby) for every macroblock of `f`, bands of rows on `threads` threads (0: one per
// hardware thread). fn must not throw.
template <typename Fn>
void for_each_mb(const FrameContext& f, int threads, Fn&& fn) {
    parallel_rows(f.mb_h, threads, 1, [&](int begin, int end) {
        for (int mby = begin; mby < end; ++mby)
            for (int mbx = 0; mbx < f.mb_w; ++mbx) fn(mbx, mby);
    });
}

}  // namespace nvcast::nvh264
