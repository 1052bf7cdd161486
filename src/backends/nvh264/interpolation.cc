#include "backends/nvh264/interpolation.h"

#include <vector>

namespace nvcast::nvh264 {

void build_half_planes(RefPicture& ref) {
    const Plane& g = ref.pic.y;
    const int w = g.width, h = g.height, pad = PaddedPlane::kPad;
    ref.half_h.resize(w, h);
    ref.half_v.resize(w, h);
    ref.half_hv.resize(w, h);
    // Unrounded horizontal half samples b1 over the padded area plus 3 rows above / below for j.
    const int rows = h + 2 * pad + 5, cols = w + 2 * pad;
    std::vector<int> b1(static_cast<size_t>(rows) * cols);
    for (int yy = 0; yy < rows; ++yy) {
        const int y = yy - pad - 2;
        for (int xx = 0; xx < cols; ++xx) {
            const int x = xx - pad;
            b1[static_cast<size_t>(yy) * cols + xx] =
                tap6(g.clamped(x - 2, y), g.clamped(x - 1, y), g.clamped(x, y), g.clamped(x + 1, y),
                     g.clamped(x + 2, y), g.clamped(x + 3, y));
        }
    }
    for (int y = -pad; y < h + pad; ++y)
        for (int x = -pad; x < w + pad; ++x) {
            const int xx = x + pad, yy = y + pad + 2;
            auto B1 = [&](int dy) { return b1[static_cast<size_t>(yy + dy) * cols + xx]; };
            ref.half_h.at(x, y) = clip_pixel((B1(0) + 16) >> 5);
            const int h1 = tap6(g.clamped(x, y - 2), g.clamped(x, y - 1), g.clamped(x, y), g.clamped(x, y + 1),
                                g.clamped(x, y + 2), g.clamped(x, y + 3));
            ref.half_v.at(x, y) = clip_pixel((h1 + 16) >> 5);
            const int j1 = tap6(B1(-2), B1(-1), B1(0), B1(1), B1(2), B1(3));
            ref.half_hv.at(x, y) = clip_pixel((j1 + 512) >> 10);
        }
}

}  // namespace nvcast::nvh264
