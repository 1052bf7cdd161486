// nvh264: loading a frame into the macroblock-aligned source picture. Samples
// beyond the frame's right and bottom edges repeat the last column / row.
#pragma once

#include "backends/nvh264/picture.h"

namespace nvcast::nvh264 {

// Where the input planes are: I420 (three planes) or NV12 (luma + interleaved chroma).
struct InputPlanes {
    const uint8_t* data[3] = {};
    int pitch[3] = {};
    int width = 0, height = 0;  // luma size of the frame
    bool nv12 = false;
};

// Source sample of plane c (0 = Y, 1 = U, 2 = V) at macroblock-aligned position (x, y).
NVCAST_HD uint8_t load_sample(const InputPlanes& in, int c, int x, int y) {
    const int pw = c ? in.width / 2 : in.width, ph = c ? in.height / 2 : in.height;
    const int sx = imin(x, pw - 1), sy = imin(y, ph - 1);
    if (c == 0) return in.data[0][static_cast<ptrdiff_t>(sy) * in.pitch[0] + sx];
    if (in.nv12) return in.data[1][static_cast<ptrdiff_t>(sy) * in.pitch[1] + 2 * sx + (c - 1)];
    return in.data[c][static_cast<ptrdiff_t>(sy) * in.pitch[c] + sx];
}

}  // namespace nvcast::nvh264
