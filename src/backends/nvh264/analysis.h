// nvh264: the frame analysis rate control reads before it picks a QP. For intra
// frames: SATD of every 8x8 luma block against its own mean, a cheap stand-in for
// intra cost (P frames use the motion search's 16x16 costs). Integer per block,
// so host and device totals agree whatever order they are summed in.
#pragma once

#include <cstdint>

#include "backends/nvh264/picture.h"
#include "backends/nvh264/transform.h"

namespace nvcast::nvh264 {

NVCAST_HD int intra_block_complexity(const PlaneView& y, int bx, int by) {
    int sum = 0;
    for (int j = 0; j < 8; ++j)
        for (int i = 0; i < 8; ++i) sum += y.at(bx + i, by + j);
    uint8_t flat[64];
    for (int i = 0; i < 64; ++i) flat[i] = static_cast<uint8_t>((sum + 32) >> 6);
    return satd(y.row(by) + bx, y.stride, flat, 8, 8, 8);
}

// Host stage: the sum over every whole 8x8 block of the picture, bands of block rows on `threads`
// threads (0: one per hardware thread).
int64_t intra_complexity_stage(const PlaneView& y, int threads);

}  // namespace nvcast::nvh264
