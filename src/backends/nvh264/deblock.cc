#include "backends/nvh264/deblock.h"

namespace nvcast::nvh264 {

void deblock_stage(const FrameContext& f, const DeblockParams& params) {
    for (int mby = 0; mby < f.mb_h; ++mby)
        for (int mbx = 0; mbx < f.mb_w; ++mbx)
            for (int dir = 0; dir < 2; ++dir)
                for (int line = 0; line < kDeblockLines; ++line) deblock_line(f, params, mbx, mby, dir, line);
}

}  // namespace nvcast::nvh264
