#include "backends/nvh264/mb_decide.h"

#include "backends/nvh264/mb_parallel.h"

namespace nvcast::nvh264 {

void decide_stage(const FrameContext& f, int threads) {
    for_each_mb(f, threads, [&f](int mbx, int mby) { plan_mb(f, mbx, mby); });
    if (f.p_slice) for_each_mb(f, threads, [&f](int mbx, int mby) { speculate_skip_mb(f, mbx, mby); });
    for (int mby = 0; mby < f.mb_h; ++mby)  // the standard's dependencies: raster order
        for (int mbx = 0; mbx < f.mb_w; ++mbx) finish_mb(f, mbx, mby);
    if (f.p_slice) for_each_mb(f, threads, [&f](int mbx, int mby) { vector_differences_mb(f, mbx, mby); });
}

}  // namespace nvcast::nvh264
