// nvh264: fractional-sample interpolation of H.264 clause 8.4.2.2 — the 6-tap
// half-sample filter, quarter samples as rounded averages, chroma 1/8 bilinear.
#pragma once

#include "backends/nvh264/picture.h"
#include "backends/nvh264/transform.h"

namespace nvcast::nvh264 {

NVCAST_HD int tap6(int a, int b, int c, int d, int e, int f) { return a - 5 * b + 20 * c + 20 * d - 5 * e + f; }

// Unrounded horizontal half sample b1 at (x + 1/2, y) of the full-sample plane g.
NVCAST_HD int half_b1(const PlaneView& g, int x, int y) {
    return tap6(g.clamped(x - 2, y), g.clamped(x - 1, y), g.clamped(x, y), g.clamped(x + 1, y), g.clamped(x + 2, y),
                g.clamped(x + 3, y));
}

// The three half samples b, h, j at (x, y) of the padded half-sample planes (x, y may lie in the border).
NVCAST_HD void half_samples_at(const RefView& r, int x, int y) {
    const PlaneView& g = r.pic.y;
    r.half_h.at(x, y) = clip_pixel((half_b1(g, x, y) + 16) >> 5);
    const int h1 = tap6(g.clamped(x, y - 2), g.clamped(x, y - 1), g.clamped(x, y), g.clamped(x, y + 1),
                        g.clamped(x, y + 2), g.clamped(x, y + 3));
    r.half_v.at(x, y) = clip_pixel((h1 + 16) >> 5);
    const int j1 = tap6(half_b1(g, x, y - 2), half_b1(g, x, y - 1), half_b1(g, x, y), half_b1(g, x, y + 1),
                        half_b1(g, x, y + 2), half_b1(g, x, y + 3));
    r.half_hv.at(x, y) = clip_pixel((j1 + 512) >> 10);
}

// Builds the half-sample planes of a reference picture (a whole-frame stage: one thread per sample on
// the GPU; bands of rows on `threads` threads here, 0: one per hardware thread).
void build_half_planes(const RefView& ref, int threads);

// One luma prediction sample at integer position (xi, yi) with fraction (fx, fy) in quarter samples.
NVCAST_HD int luma_qpel_sample(const RefView& r, int xi, int yi, int fx, int fy) {
    auto G = [&](int dx, int dy) -> int { return r.pic.y.clamped(xi + dx, yi + dy); };
    auto B = [&](int dx, int dy) -> int { return r.half_h.clamped(xi + dx, yi + dy); };
    auto H = [&](int dx, int dy) -> int { return r.half_v.clamped(xi + dx, yi + dy); };
    auto J = [&]() -> int { return r.half_hv.clamped(xi, yi); };
    switch (fy * 4 + fx) {
        case 0: return G(0, 0);
        case 1: return (G(0, 0) + B(0, 0) + 1) >> 1;   // a
        case 2: return B(0, 0);                        // b
        case 3: return (G(1, 0) + B(0, 0) + 1) >> 1;   // c
        case 4: return (G(0, 0) + H(0, 0) + 1) >> 1;   // d
        case 5: return (B(0, 0) + H(0, 0) + 1) >> 1;   // e
        case 6: return (B(0, 0) + J() + 1) >> 1;       // f
        case 7: return (B(0, 0) + H(1, 0) + 1) >> 1;   // g
        case 8: return H(0, 0);                        // h
        case 9: return (H(0, 0) + J() + 1) >> 1;       // i
        case 10: return J();                           // j
        case 11: return (J() + H(1, 0) + 1) >> 1;      // k
        case 12: return (G(0, 1) + H(0, 0) + 1) >> 1;  // n
        case 13: return (H(0, 0) + B(0, 1) + 1) >> 1;  // p
        case 14: return (J() + B(0, 1) + 1) >> 1;      // q
        default: return (H(1, 0) + B(0, 1) + 1) >> 1;  // r
    }
}

// Luma prediction block of w x h at (x, y) displaced by mv (quarter samples), into dst with stride ds.
NVCAST_HD void predict_luma(const RefView& r, int x, int y, int w, int h, Mv mv, uint8_t* dst, int ds) {
    const int xi = x + (mv.x >> 2), yi = y + (mv.y >> 2), fx = mv.x & 3, fy = mv.y & 3;
    for (int j = 0; j < h; ++j)
        for (int i = 0; i < w; ++i) dst[j * ds + i] = static_cast<uint8_t>(luma_qpel_sample(r, xi + i, yi + j, fx, fy));
}

// SATD between the w x h block of `src` (stride) at luma (x, y) and its prediction displaced by mv:
// what predict_luma then satd give, a 4x4 block per lane (every lane gets the sum).
NVCAST_HD int predicted_satd(const RefView& r, const uint8_t* src, int stride, int x, int y, int w, int h, Mv mv,
                             Lanes lanes = Lanes{}) {
    const int xi = x + (mv.x >> 2), yi = y + (mv.y >> 2), fx = mv.x & 3, fy = mv.y & 3;
    return lanes.sum_4x4_blocks(w, h, [&](int bx, int by) {
        uint8_t pred[16];
        for (int j = 0; j < 4; ++j)
            for (int i = 0; i < 4; ++i)
                pred[j * 4 + i] = static_cast<uint8_t>(luma_qpel_sample(r, xi + bx + i, yi + by + j, fx, fy));
        return satd4x4(src + by * stride + bx, stride, pred, 4);
    });
}

// Chroma prediction (4:2:0): block of w x h chroma samples at chroma (x, y); mv in luma quarter samples.
NVCAST_HD void predict_chroma(const PlaneView& p, int x, int y, int w, int h, Mv mv, uint8_t* dst, int ds) {
    const int xi = x + (mv.x >> 3), yi = y + (mv.y >> 3), fx = mv.x & 7, fy = mv.y & 7;
    for (int j = 0; j < h; ++j)
        for (int i = 0; i < w; ++i) {
            const int a = p.clamped(xi + i, yi + j), b = p.clamped(xi + i + 1, yi + j);
            const int c = p.clamped(xi + i, yi + j + 1), d = p.clamped(xi + i + 1, yi + j + 1);
            dst[j * ds + i] = static_cast<uint8_t>(
                ((8 - fx) * (8 - fy) * a + fx * (8 - fy) * b + (8 - fx) * fy * c + fx * fy * d + 32) >> 6);
        }
}

}  // namespace nvcast::nvh264
