// nvh264: motion search, a whole-frame stage with one independent task per
// macroblock (one thread per macroblock on the GPU). It cannot see the
// final motion vector predictors (those need the wavefront), so its rate term
// uses the co-located vector of the previous frame as the centre.
#pragma once

#include <climits>

#include "backends/nvh264/bit_writer.h"
#include "backends/nvh264/frame_context.h"
#include "backends/nvh264/interpolation.h"
#include "backends/nvh264/transform.h"

namespace nvcast::nvh264 {

namespace motion_detail {

struct Search {
    const FrameContext& f;
    const uint8_t* src;
    int stride;
    int x, y, w, h;  // block position / size in luma samples
    Mv center;       // rate centre (quarter samples)
    int mbx;         // macroblock column (for the refresh constraint)
    Lanes lanes;     // lanes sharing the sample loops; every decision below is the same in all of them

    NVCAST_HD int rate(Mv mv) const { return f.cost_bits(se_bits(mv.x - center.x) + se_bits(mv.y - center.y)); }
    // SAD at an integer vector (in integer samples).
    NVCAST_HD int sad_int(int mx, int my) const {
        const PlaneView& r = f.ref.pic.y;
        const int rx = x + mx, ry = y + my;
        const bool inside = rx >= 0 && ry >= 0 && rx + w <= r.width && ry + h <= r.height;
        int s = 0;
        for (int k = lanes.lane; k < w * h; k += lanes.count) {
            const int i = k % w, j = k / w;
            const int b = inside ? r.row(ry + j)[rx + i] : r.clamped(rx + i, ry + j);
            s += iabs(src[j * stride + i] - b);
        }
        return lanes.sum(s);
    }
    // SATD at a quarter-sample vector, a 4x4 block per lane.
    NVCAST_HD int satd_qpel(Mv mv) const { return predicted_satd(f.ref, src, stride, x, y, w, h, mv, lanes); }

    // Integer search from the given start candidates (quarter-sample vectors, rounded), then sub-sample.
    NVCAST_HD_FN Mv run(const Mv* cands, int n, int& cost_out) const {
        const int range = f.tools.search_range;
        int bx = 0, by = 0, best = INT_MAX;
        auto try_int = [&](int mx, int my) {
            if (mx < -range || mx > range || my < -range || my > range) return;
            const Mv q{static_cast<int16_t>(mx * 4), static_cast<int16_t>(my * 4)};
            if (!f.mv_allowed(mbx, x, w, q)) return;
            const int c = sad_int(mx, my) + rate(q);
            if (c < best) {
                best = c;
                bx = mx;
                by = my;
            }
        };
        for (int i = 0; i < n; ++i) try_int((cands[i].x + 2) >> 2, (cands[i].y + 2) >> 2);
        if (best == INT_MAX) try_int(-range, 0);  // refresh constraint: far left is always refreshed
        if (best == INT_MAX) {
            cost_out = INT_MAX;
            return Mv{static_cast<int16_t>(-4 * range), 0};
        }
        // Small diamond descent, then a +-1 square check.
        for (int iter = 0; iter < 2 * range; ++iter) {
            const int ox = bx, oy = by;
            try_int(ox + 1, oy);
            try_int(ox - 1, oy);
            try_int(ox, oy + 1);
            try_int(ox, oy - 1);
            if (bx == ox && by == oy) break;
        }
        const int sx = bx, sy = by;
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx)
                if (dx || dy) try_int(sx + dx, sy + dy);
        Mv best_mv{static_cast<int16_t>(bx * 4), static_cast<int16_t>(by * 4)};
        int best_cost = satd_qpel(best_mv) + rate(best_mv);
        if (f.tools.subpel) {
            for (int step = 2; step >= 1; step /= 2) {
                const Mv c0 = best_mv;
                for (int dy = -step; dy <= step; dy += step)
                    for (int dx = -step; dx <= step; dx += step) {
                        if (!dx && !dy) continue;
                        const Mv m{static_cast<int16_t>(c0.x + dx), static_cast<int16_t>(c0.y + dy)};
                        if (!f.mv_allowed(mbx, x, w, m)) continue;
                        const int c = satd_qpel(m) + rate(m);
                        if (c < best_cost) {
                            best_cost = c;
                            best_mv = m;
                        }
                    }
            }
        }
        cost_out = best_cost;
        return best_mv;
    }
};


// The 8x8, 16x8 and 8x16 searches of macroblock (mbx, mby), started from its 16x16 result in r.
NVCAST_HD_FN void search_partitions(const FrameContext& f, int mbx, int mby, Lanes lanes, MotionResult& r) {
    const PlaneView& s = f.src.y;
    const int x0 = mbx * 16, y0 = mby * 16;
    const Mv start[2] = {r.mv16, Mv{}};
    for (int q = 0; q < 4; ++q) {
        const int bx = x0 + (q & 1) * 8, by = y0 + (q >> 1) * 8;
        const Search s8{f, s.row(by) + bx, s.stride, bx, by, 8, 8, r.mv16, mbx, lanes};
        r.mv8[q] = s8.run(start, 2, r.cost8[q]);
    }
    for (int k = 0; k < 2; ++k) {
        const Search a{f, s.row(y0 + k * 8) + x0, s.stride, x0, y0 + k * 8, 16, 8, r.mv16, mbx, lanes};
        const Mv sa[3] = {r.mv16, r.mv8[k * 2], r.mv8[k * 2 + 1]};
        r.mv16x8[k] = a.run(sa, 3, r.cost16x8[k]);
        const Search b{f, s.row(y0) + x0 + k * 8, s.stride, x0 + k * 8, y0, 8, 16, r.mv16, mbx, lanes};
        const Mv sb[3] = {r.mv16, r.mv8[k], r.mv8[k + 2]};
        r.mv8x16[k] = b.run(sb, 3, r.cost8x16[k]);
    }
}

}  // namespace motion_detail

// Motion search of macroblock (mbx, mby) into f.motion; candidates and the rate centre come from
// f.prev_motion (the previous frame's results) when present. With several lanes, all run the same
// search and lane 0 stores the result.
NVCAST_HD_FN void motion_search_mb(const FrameContext& f, int mbx, int mby, Lanes lanes = Lanes{}) {
    using motion_detail::Search;
    const PlaneView& s = f.src.y;
    const MotionResult* prev = f.prev_motion;
    const ptrdiff_t i = static_cast<ptrdiff_t>(mby) * f.mb_w + mbx;
    MotionResult r;
    Mv cands[6];
    int n = 0;
    cands[n++] = Mv{};
    Mv center{};
    if (prev) {
        center = prev[i].mv16;
        cands[n++] = center;
        if (mbx > 0) cands[n++] = prev[i - 1].mv16;
        if (mby > 0) cands[n++] = prev[i - f.mb_w].mv16;
        if (mbx + 1 < f.mb_w) cands[n++] = prev[i + 1].mv16;
        if (mby + 1 < f.mb_h) cands[n++] = prev[i + f.mb_w].mv16;
    }
    const int x0 = mbx * 16, y0 = mby * 16;
    const Search s16{f, s.row(y0) + x0, s.stride, x0, y0, 16, 16, center, mbx, lanes};
    r.mv16 = s16.run(cands, n, r.cost16);
    if (f.tools.partitions) motion_detail::search_partitions(f, mbx, mby, lanes, r);
    if (lanes.lane == 0) f.motion[i] = r;
}

// Host stage: every macroblock, bands of rows on `threads` threads (0: one per hardware thread).
void motion_search_stage(const FrameContext& f, int threads);

}  // namespace nvcast::nvh264
