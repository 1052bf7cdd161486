// nvh264: what a macroblock reads from its neighbours — intra prediction
// samples, predicted Intra4x4 modes, motion vector predictors (8.4.1.3).
#pragma once

#include "backends/nvh264/frame_context.h"
#include "backends/nvh264/intra_pred.h"

namespace nvcast::nvh264 {


// The neighbour sample readers take the picture to read: the reconstruction when coding (what a
// decoder predicts from), the source when deciding modes before the neighbours are coded.

// Neighbour samples of the 16x16 luma block of macroblock (mbx, mby).
NVCAST_HD_FN IntraNeighbours luma16_neighbours(const FrameContext& f, const PictureView& pic, int mbx, int mby) {
    IntraNeighbours n;
    const PlaneView& p = pic.y;
    const int x0 = mbx * 16, y0 = mby * 16;
    n.has_left = f.mb_available(mbx - 1, mby, mbx, mby);
    n.has_top = f.mb_available(mbx, mby - 1, mbx, mby);
    n.has_topleft = f.mb_available(mbx - 1, mby - 1, mbx, mby);
    for (int i = 0; i < 16; ++i) {
        if (n.has_top) n.top[i] = p.at(x0 + i, y0 - 1);
        if (n.has_left) n.left[i] = p.at(x0 - 1, y0 + i);
    }
    if (n.has_topleft) n.topleft = p.at(x0 - 1, y0 - 1);
    return n;
}

// Neighbour samples of the 8x8 chroma block (plane 1 or 2).
NVCAST_HD_FN IntraNeighbours chroma_neighbours(const FrameContext& f, const PictureView& pic, int mbx, int mby,
                                               int plane) {
    IntraNeighbours n;
    const PlaneView& p = pic.plane(plane);
    const int x0 = mbx * 8, y0 = mby * 8;
    n.has_left = f.mb_available(mbx - 1, mby, mbx, mby);
    n.has_top = f.mb_available(mbx, mby - 1, mbx, mby);
    n.has_topleft = f.mb_available(mbx - 1, mby - 1, mbx, mby);
    for (int i = 0; i < 8; ++i) {
        if (n.has_top) n.top[i] = p.at(x0 + i, y0 - 1);
        if (n.has_left) n.left[i] = p.at(x0 - 1, y0 + i);
    }
    if (n.has_topleft) n.topleft = p.at(x0 - 1, y0 - 1);
    return n;
}

// Neighbour samples of the 4x4 luma block with coding index blk (top[4..7] substituted when needed).
NVCAST_HD_FN IntraNeighbours luma4_neighbours(const FrameContext& f, const PictureView& pic, int mbx, int mby, int blk) {
    IntraNeighbours n;
    const PlaneView& p = pic.y;
    const int r = blk_to_raster(blk), bx = r & 3, by = r >> 2;
    const int x0 = mbx * 16 + bx * 4, y0 = mby * 16 + by * 4;
    n.has_left = f.block_available(mbx, mby, bx - 1, by, blk);
    n.has_top = f.block_available(mbx, mby, bx, by - 1, blk);
    n.has_topleft = f.block_available(mbx, mby, bx - 1, by - 1, blk);
    n.has_topright = f.block_available(mbx, mby, bx + 1, by - 1, blk);
    if (n.has_top) {
        for (int i = 0; i < 4; ++i) n.top[i] = p.at(x0 + i, y0 - 1);
        for (int i = 4; i < 8; ++i) n.top[i] = n.has_topright ? p.at(x0 + i, y0 - 1) : n.top[3];
    }
    if (n.has_left)
        for (int i = 0; i < 4; ++i) n.left[i] = p.at(x0 - 1, y0 + i);
    if (n.has_topleft) n.topleft = p.at(x0 - 1, y0 - 1);
    return n;
}

// predIntra4x4PredMode of block blk given the modes already chosen in `cur`. With outside_known false
// (modes are being planned before the neighbouring macroblocks are), an available block outside
// the macroblock counts as DC: an estimate for the mode's cost, not the coded prediction.
NVCAST_HD_FN int predicted_intra4_mode(const FrameContext& f, int mbx, int mby, int blk, const MbInfo& cur,
                                       bool outside_known = true) {
    const int r = blk_to_raster(blk), bx = r & 3, by = r >> 2;
    auto mode_of = [&](int nbx, int nby, int& mode) -> bool {
        if (nbx >= 0 && nby >= 0) {  // inside the current macroblock
            mode = cur.i4_mode[nby * 4 + nbx];
            return true;
        }
        if (!f.block_available(mbx, mby, nbx, nby, blk)) return false;
        if (!outside_known) {
            mode = kI4Dc;
            return true;
        }
        int raster = 0;
        const MbInfo& m = f.block_owner(mbx, mby, nbx, nby, raster);
        mode = m.type == kMbI4x4 ? static_cast<int>(m.i4_mode[raster]) : static_cast<int>(kI4Dc);
        return true;
    };
    int a = 0, b = 0;
    if (!mode_of(bx - 1, by, a) || !mode_of(bx, by - 1, b)) return kI4Dc;
    return imin(a, b);
}

enum class PartShape { k16x16, k16x8, k8x16, k8x8 };

namespace neighbour_detail {

struct Neighbour {
    bool available = false;
    int ref = -1;  // -1: unavailable or intra
    Mv mv;
};

NVCAST_HD_FN Neighbour neighbour_at(const FrameContext& f, int mbx, int mby, int bx, int by, int cur_blk) {
    Neighbour n;
    if (!f.block_available(mbx, mby, bx, by, cur_blk)) return n;
    n.available = true;
    int raster = 0;
    const MbInfo& m = f.block_owner(mbx, mby, bx, by, raster);
    if (is_intra(m.type)) return n;
    n.ref = 0;
    n.mv = m.mv[raster];
    return n;
}

// The median rule of 8.4.1.3 over neighbours A (left), B (top) and C (top-right, else top-left).
NVCAST_HD_FN Mv mvp_from(const Neighbour& a, const Neighbour& b, const Neighbour& c, int bx, int by, PartShape shape) {
    if (shape == PartShape::k16x8) {
        if (by == 0 && b.ref == 0) return b.mv;
        if (by != 0 && a.ref == 0) return a.mv;
    } else if (shape == PartShape::k8x16) {
        if (bx == 0 && a.ref == 0) return a.mv;
        if (bx != 0 && c.ref == 0) return c.mv;
    }
    if (!b.available && !c.available && a.available) return a.mv;
    const int matches = (a.ref == 0) + (b.ref == 0) + (c.ref == 0);
    if (matches == 1) return a.ref == 0 ? a.mv : (b.ref == 0 ? b.mv : c.mv);
    Mv m;
    m.x = static_cast<int16_t>(median3(a.mv.x, b.mv.x, c.mv.x));
    m.y = static_cast<int16_t>(median3(a.mv.y, b.mv.y, c.mv.y));
    return m;
}

// The P_Skip rule of 8.4.1.1 given neighbours A and B and the 16x16 predictor.
NVCAST_HD_FN Mv skip_mv_from(const Neighbour& a, const Neighbour& b, Mv mvp) {
    if (!a.available || !b.available) return Mv{};
    if (a.ref == 0 && a.mv == Mv{}) return Mv{};
    if (b.ref == 0 && b.mv == Mv{}) return Mv{};
    return mvp;
}

// Macroblock (nx, ny) as the motion search left it, seen from (mbx, mby): forced-intra columns
// count as intra, every other macroblock as inter with its 16x16 search vector.
NVCAST_HD_FN Neighbour searched_neighbour(const FrameContext& f, int mbx, int mby, int nx, int ny) {
    Neighbour n;
    if (!f.mb_available(nx, ny, mbx, mby)) return n;
    n.available = true;
    if (f.forced_intra(nx)) return n;
    n.ref = 0;
    n.mv = f.motion[static_cast<ptrdiff_t>(ny) * f.mb_w + nx].mv16;
    return n;
}

}  // namespace neighbour_detail

using namespace neighbour_detail;

// mvpLX for the partition at (bx, by) of size (bw, bh) in 4x4 units; the frame's MbInfo for
// (mbx, mby) must already hold the vectors of earlier partitions of this macroblock.
NVCAST_HD_FN Mv predict_mv(const FrameContext& f, int mbx, int mby, int bx, int by, int bw, PartShape shape) {
    const int cur_blk = raster_to_blk(by * 4 + bx);
    const Neighbour a = neighbour_at(f, mbx, mby, bx - 1, by, cur_blk);
    const Neighbour b = neighbour_at(f, mbx, mby, bx, by - 1, cur_blk);
    Neighbour c = neighbour_at(f, mbx, mby, bx + bw, by - 1, cur_blk);
    if (!c.available) c = neighbour_at(f, mbx, mby, bx - 1, by - 1, cur_blk);
    return mvp_from(a, b, c, bx, by, shape);
}

// Motion vector of P_Skip (8.4.1.1).
NVCAST_HD_FN Mv predict_skip_mv(const FrameContext& f, int mbx, int mby) {
    return skip_mv_from(neighbour_at(f, mbx, mby, -1, 0, 0), neighbour_at(f, mbx, mby, 0, -1, 0),
                        predict_mv(f, mbx, mby, 0, 0, 4, PartShape::k16x16));
}

// The 16x16 predictor and the P_Skip vector estimated from the motion search's vectors, for
// deciding all macroblocks at once (the final vectors of the neighbours are not known yet).
struct SearchedPredictors {
    Mv mvp, skip;
};

NVCAST_HD_FN SearchedPredictors searched_predictors(const FrameContext& f, int mbx, int mby) {
    const Neighbour a = searched_neighbour(f, mbx, mby, mbx - 1, mby);
    const Neighbour b = searched_neighbour(f, mbx, mby, mbx, mby - 1);
    Neighbour c = searched_neighbour(f, mbx, mby, mbx + 1, mby - 1);
    if (!c.available) c = searched_neighbour(f, mbx, mby, mbx - 1, mby - 1);
    SearchedPredictors p;
    p.mvp = mvp_from(a, b, c, 0, 0, PartShape::k16x16);
    p.skip = skip_mv_from(a, b, p.mvp);
    return p;
}

}  // namespace nvcast::nvh264
