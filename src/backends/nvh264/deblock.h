// nvh264: in-loop deblocking filter (8.7). A stage after reconstruction; the filtering of one
// line of a macroblock is shared host/device code. The CPU reference runs macroblocks in raster
// order, the GPU in x + 2y anti-diagonals (equivalent).
#pragma once

#include "backends/nvh264/deblock_filter.h"
#include "backends/nvh264/frame_context.h"
#include "backends/nvh264/transform.h"

namespace nvcast::nvh264 {

struct DeblockParams {
    int alpha_offset = 0;  // FilterOffsetA (slice_alpha_c0_offset_div2 * 2)
    int beta_offset = 0;
};

namespace deblock_detail {

// Boundary strength between 4x4 blocks p (in mp at raster rp) and q (in mq at rq).
NVCAST_HD int boundary_strength(const MbInfo& mp, int rp, const MbInfo& mq, int rq, bool mb_edge) {
    if (is_intra(mp.type) || is_intra(mq.type)) return mb_edge ? 4 : 3;
    if (mp.nnz[rp] || mq.nnz[rq]) return 2;
    const Mv a = mp.mv[rp], b = mq.mv[rq];
    if (iabs(a.x - b.x) >= 4 || iabs(a.y - b.y) >= 4) return 1;
    return 0;
}

}  // namespace deblock_detail

// The filter of one line across one edge (8.7.2): bS, alpha, beta and tC0. Edge e (0..3, in luma
// 4x4 columns or rows; chroma uses luma edges 0 and 2) of direction dir (0: vertical, 1: horizontal),
// line i of the plane's macroblock (0..15 luma, 0..7 chroma).
struct EdgeLine {
    int bs = 0, alpha = 0, beta = 0, tc0 = 0;
    NVCAST_HD bool filters() const { return bs != 0 && alpha != 0 && beta != 0; }
};

NVCAST_HD EdgeLine edge_line(const FrameContext& f, const DeblockParams& prm, int mbx, int mby, int dir, int e,
                             bool chroma, int i) {
    const bool mb_edge = e == 0;
    const MbInfo& mq = f.mb(mbx, mby);
    const MbInfo& mp = mb_edge ? (dir == 0 ? f.mb(mbx - 1, mby) : f.mb(mbx, mby - 1)) : mq;
    const int k = chroma ? i / 2 : i / 4;  // the 4x4 luma block along the edge
    const int rq = dir == 0 ? k * 4 + e : e * 4 + k;
    const int rp = dir == 0 ? (mb_edge ? k * 4 + 3 : rq - 1) : (mb_edge ? 12 + k : rq - 4);
    EdgeLine l;
    l.bs = deblock_detail::boundary_strength(mp, rp, mq, rq, mb_edge);
    const int qp = chroma ? (chroma_qp(mp.qp) + chroma_qp(mq.qp) + 1) >> 1 : (mp.qp + mq.qp + 1) >> 1;
    const int ia = clip3(0, 51, qp + prm.alpha_offset), ib = clip3(0, 51, qp + prm.beta_offset);
    l.alpha = deblock_alpha(ia);
    l.beta = deblock_beta(ib);
    if (l.bs > 0 && l.bs < 4) l.tc0 = deblock_tc0(ia, l.bs);
    return l;
}

// The lines of a macroblock that deblocking filters in each direction: luma 0..15, then 8 of Cb and 8 of Cr.
constexpr int kDeblockLines = 32;

// Filters line `line` (see kDeblockLines) of macroblock (mbx, mby) of f.rec in place across all of the
// macroblock's edges of direction dir (0: a row across the vertical edges, 1: a column across the
// horizontal ones), left to right or top to bottom. It reads 4 and writes 3 samples into the left or
// top neighbour. Lines of one direction are independent; the standard's order (8.7) is every
// line's vertical pass, then every line's horizontal pass, macroblocks in raster order, and any
// order in which (x-1, y), (x, y-1) and (x+1, y-1) come first equals it (the GPU runs x + 2y
// anti-diagonals). The samples go through a local window, so on the GPU they are loaded once, live in
// registers and are stored once.
template <bool kChroma>
NVCAST_HD void deblock_plane_line(const FrameContext& f, const DeblockParams& prm, int mbx, int mby, int dir, int i) {
    constexpr int size = kChroma ? 8 : 16;
    constexpr int edges = kChroma ? 2 : 4;  // chroma edges lie on luma edges 0 and 2
    const PlaneView& plane = f.rec.plane(kChroma ? 1 + i / 8 : 0);
    if (kChroma) i &= 7;
    const bool has_p = dir == 0 ? mbx > 0 : mby > 0;
    uint8_t* q = dir == 0 ? plane.row(mby * size + i) + mbx * size : plane.row(mby * size) + mbx * size + i;
    const int step = dir == 0 ? 1 : plane.stride;
    uint8_t s[4 + size];  // p3..p0 of the neighbour, then the macroblock's line
    NVCAST_UNROLL
    for (int k = 0; k < 4 + size; ++k)
        if (has_p || k >= 4) s[k] = q[(k - 4) * step];
    NVCAST_UNROLL
    for (int e = 0; e < edges; ++e) {
        if (e == 0 && !has_p) continue;
        const EdgeLine l = edge_line(f, prm, mbx, mby, dir, kChroma ? 2 * e : e, kChroma, i);
        if (l.filters()) filter_line(s + 4 + 4 * e, 1, l.bs, l.alpha, l.beta, l.tc0, kChroma);
    }
    // s[0] (p3) is only read.
    NVCAST_UNROLL
    for (int k = 1; k < 4 + size; ++k)
        if (has_p || k >= 4) q[(k - 4) * step] = s[k];
}

NVCAST_HD void deblock_line(const FrameContext& f, const DeblockParams& prm, int mbx, int mby, int dir, int line) {
    if (line < 16) deblock_plane_line<false>(f, prm, mbx, mby, dir, line);
    else deblock_plane_line<true>(f, prm, mbx, mby, dir, line - 16);
}

// Filters f.rec in place, macroblocks in raster order.
void deblock_stage(const FrameContext& f, const DeblockParams& params);

}  // namespace nvcast::nvh264
