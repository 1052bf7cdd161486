#include "backends/nvh264/mb_decide.h"

namespace nvcast::nvh264 {

void wavefront_stage(const FrameContext& f) {
    const int waves = f.mb_w + 2 * (f.mb_h - 1);
    for (int t = 0; t < waves; ++t)
        for (int y = 0; y < f.mb_h; ++y) {
            const int x = t - 2 * y;
            if (x >= 0 && x < f.mb_w) decide_and_reconstruct(f, x, y);
        }
}

}  // namespace nvcast::nvh264
