#include "backends/nvh264/deblock.h"

namespace nvcast::nvh264 {

void deblock_stage(const FrameContext& f, const DeblockParams& params) {
    for (int mby = 0; mby < f.mb_h; ++mby)
        for (int mbx = 0; mbx < f.mb_w; ++mbx) deblock_mb(f, params, mbx, mby, picture_samples(f.rec, mbx, mby));
}

}  // namespace nvcast::nvh264
