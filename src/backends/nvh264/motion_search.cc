#include "backends/nvh264/motion_search.h"

#include "backends/nvh264/mb_parallel.h"

namespace nvcast::nvh264 {

void motion_search_stage(const FrameContext& f, int threads) {
    for_each_mb(f, threads, [&f](int mbx, int mby) { motion_search_mb(f, mbx, mby); });
}

}  // namespace nvcast::nvh264
