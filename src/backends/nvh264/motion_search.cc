#include "backends/nvh264/motion_search.h"

namespace nvcast::nvh264 {

void motion_search_stage(const FrameContext& f) {
    for (int mby = 0; mby < f.mb_h; ++mby)
        for (int mbx = 0; mbx < f.mb_w; ++mbx) motion_search_mb(f, mbx, mby);
}

}  // namespace nvcast::nvh264
