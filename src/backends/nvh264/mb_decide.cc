#include "backends/nvh264/mb_decide.h"

namespace nvcast::nvh264 {

void decide_stage(const FrameContext& f) {
    for (int mby = 0; mby < f.mb_h; ++mby)
        for (int mbx = 0; mbx < f.mb_w; ++mbx) plan_mb(f, mbx, mby);
    if (f.p_slice)
        for (int mby = 0; mby < f.mb_h; ++mby)
            for (int mbx = 0; mbx < f.mb_w; ++mbx) speculate_skip_mb(f, mbx, mby);
    for (int mby = 0; mby < f.mb_h; ++mby)
        for (int mbx = 0; mbx < f.mb_w; ++mbx) finish_mb(f, mbx, mby);
    if (f.p_slice)
        for (int mby = 0; mby < f.mb_h; ++mby)
            for (int mbx = 0; mbx < f.mb_w; ++mbx) vector_differences_mb(f, mbx, mby);
}

}  // namespace nvcast::nvh264
