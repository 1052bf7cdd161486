// nvh264: mode decision + transform + reconstruction of one macroblock (the
// wavefront stage: a macroblock needs its left, top-left, top and top-right
// neighbours finished, so all macroblocks of one anti-diagonal run in parallel).
#pragma once

#include <climits>

#include "backends/nvh264/bit_writer.h"
#include "backends/nvh264/frame_context.h"
#include "backends/nvh264/interpolation.h"
#include "backends/nvh264/neighbours.h"
#include "backends/nvh264/residual.h"
#include "backends/nvh264/transform.h"

namespace nvcast::nvh264 {

namespace decide_detail {

struct MbPointers {
    const uint8_t* src[3];
    uint8_t* rec[3];
    int src_stride[3], rec_stride[3];
};

NVCAST_HD MbPointers pointers(const FrameContext& f, int mbx, int mby) {
    MbPointers p{};
    for (int c = 0; c < 3; ++c) {
        const int s = c ? 8 : 16;
        p.src[c] = f.src.plane(c).row(mby * s) + mbx * s;
        p.rec[c] = f.rec.plane(c).row(mby * s) + mbx * s;
        p.src_stride[c] = f.src.plane(c).stride;
        p.rec_stride[c] = f.rec.plane(c).stride;
    }
    return p;
}

NVCAST_HD int mvd_bits(Mv mv, Mv mvp) { return se_bits(mv.x - mvp.x) + se_bits(mv.y - mvp.y); }

// --- intra ---------------------------------------------------------------------------------

NVCAST_HD_FN int best_intra16(const FrameContext& f, int mbx, int mby, const MbPointers& p, int& mode_out) {
    const IntraNeighbours n = luma16_neighbours(f, mbx, mby);
    int best = INT_MAX;
    uint8_t pred[256];
    for (int m = 0; m < 4; ++m) {
        if (!intra16_mode_allowed(m, n)) continue;
        predict16x16(m, n, pred);
        const int c = satd(p.src[0], p.src_stride[0], pred, 16, 16, 16) + f.cost_bits(m == kI16Dc ? 1 : 3);
        if (c < best) {
            best = c;
            mode_out = m;
        }
    }
    return best;
}

// Intra 4x4 trial: decides, codes and reconstructs all 16 blocks into f.rec; returns the cost.
NVCAST_HD_FN int trial_intra4x4(const FrameContext& f, int mbx, int mby, const MbPointers& p, MbInfo& t) {
    int total = 0;
    for (int blk = 0; blk < 16; ++blk) {
        const int r = blk_to_raster(blk), bx = r & 3, by = r >> 2;
        const IntraNeighbours n = luma4_neighbours(f, mbx, mby, blk);
        const int pm = predicted_intra4_mode(f, mbx, mby, blk, t);
        const uint8_t* s = p.src[0] + by * 4 * p.src_stride[0] + bx * 4;
        int best = INT_MAX, best_mode = kI4Dc;
        uint8_t pred[16], best_pred[16];
        const bool no_topright = mbx == f.gdr_i4_col && r == 3 && n.has_topright;
        for (int m = 0; m < 9; ++m) {
            if (!intra4_mode_allowed(m, n)) continue;
            if (no_topright && (m == kI4DiagDownLeft || m == kI4VerticalLeft)) continue;
            predict4x4(m, n, pred);
            const int c = satd4x4(s, p.src_stride[0], pred, 4) + f.cost_bits(m == pm ? 1 : 4);
            if (c < best) {
                best = c;
                best_mode = m;
                for (int i = 0; i < 16; ++i) best_pred[i] = pred[i];
            }
        }
        t.i4_mode[r] = static_cast<uint8_t>(best_mode);
        code_recon_luma4x4(s, p.src_stride[0], best_pred, f.qp, blk, t,
                           p.rec[0] + by * 4 * p.rec_stride[0] + bx * 4, p.rec_stride[0]);
        total += best;
    }
    t.cbp &= 0x30;
    for (int r = 0; r < 16; ++r)
        if (t.nnz[r]) t.cbp |= 1 << (((r >> 3) << 1) | ((r & 3) >> 1));
    return total;
}

NVCAST_HD_FN void code_intra16(const FrameContext& f, int mbx, int mby, const MbPointers& p, int mode, MbInfo& mb) {
    const IntraNeighbours n = luma16_neighbours(f, mbx, mby);
    uint8_t pred[256];
    predict16x16(mode, n, pred);
    mb.type = kMbI16x16;
    mb.i16_mode = static_cast<uint8_t>(mode);
    code_luma_i16(p.src[0], p.src_stride[0], pred, f.qp, mb);
    recon_luma(mb, pred, f.qp, true, p.rec[0], p.rec_stride[0]);
}

NVCAST_HD_FN void code_intra_chroma(const FrameContext& f, int mbx, int mby, const MbPointers& p, MbInfo& mb) {
    IntraNeighbours n[2] = {chroma_neighbours(f, mbx, mby, 1), chroma_neighbours(f, mbx, mby, 2)};
    uint8_t pred[2][64];
    int best = INT_MAX, best_mode = kChromaDc;
    for (int m = 0; m < 4; ++m) {
        if (!chroma_mode_allowed(m, n[0])) continue;
        int c = f.cost_bits(ue_bits(static_cast<uint32_t>(m)));
        for (int k = 0; k < 2; ++k) {
            predict_chroma8x8(m, n[k], pred[k]);
            c += satd(p.src[1 + k], p.src_stride[1 + k], pred[k], 8, 8, 8);
        }
        if (c < best) {
            best = c;
            best_mode = m;
        }
    }
    for (int k = 0; k < 2; ++k) predict_chroma8x8(best_mode, n[k], pred[k]);
    mb.chroma_mode = static_cast<uint8_t>(best_mode);
    const uint8_t* src[2] = {p.src[1], p.src[2]};
    const uint8_t* pr[2] = {pred[0], pred[1]};
    uint8_t* dst[2] = {p.rec[1], p.rec[2]};
    code_recon_chroma(src, p.src_stride[1], pr, chroma_qp(f.qp), true, mb, dst, p.rec_stride[1]);
}

NVCAST_HD_FN void code_intra(const FrameContext& f, int mbx, int mby, const MbPointers& p, MbInfo& mb, int i16_cost, int i16_mode) {
    bool use_i4 = false;
    MbInfo t = mb;
    if (f.tools.intra4x4) {
        t.type = kMbI4x4;
        const int i4_cost = trial_intra4x4(f, mbx, mby, p, t) + f.cost_bits(6);
        use_i4 = i4_cost < i16_cost;
    }
    if (use_i4) {
        mb = t;
    } else {
        code_intra16(f, mbx, mby, p, i16_mode, mb);
    }
    code_intra_chroma(f, mbx, mby, p, mb);
}

// --- inter ---------------------------------------------------------------------------------

NVCAST_HD_FN void set_mv(MbInfo& mb, int bx, int by, int bw, int bh, Mv mv) {
    for (int y = by; y < by + bh; ++y)
        for (int x = bx; x < bx + bw; ++x) mb.mv[y * 4 + x] = mv;
}

NVCAST_HD_FN void inter_prediction(const FrameContext& f, int mbx, int mby, const MbInfo& mb, uint8_t* pl, uint8_t* pu,
                      uint8_t* pv) {
    // Per 8x8 quadrant (all partitions used here are unions of 8x8 quadrants).
    for (int q = 0; q < 4; ++q) {
        const int qx = q & 1, qy = q >> 1;
        const Mv mv = mb.mv[qy * 8 + qx * 2];
        predict_luma(f.ref, mbx * 16 + qx * 8, mby * 16 + qy * 8, 8, 8, mv, pl + qy * 8 * 16 + qx * 8, 16);
        predict_chroma(f.ref.pic.u, mbx * 8 + qx * 4, mby * 8 + qy * 4, 4, 4, mv, pu + qy * 4 * 8 + qx * 4, 8);
        predict_chroma(f.ref.pic.v, mbx * 8 + qx * 4, mby * 8 + qy * 4, 4, 4, mv, pv + qy * 4 * 8 + qx * 4, 8);
    }
}

NVCAST_HD_FN int luma_cost(const FrameContext& f, const MbPointers& p, int mbx, int mby, int bx, int by, int w, int h, Mv mv) {
    uint8_t pred[256];
    predict_luma(f.ref, mbx * 16 + bx * 4, mby * 16 + by * 4, w, h, mv, pred, 16);
    return satd(p.src[0] + by * 4 * p.src_stride[0] + bx * 4, p.src_stride[0], pred, 16, w, h);
}

// Best 16x16 inter candidate: motion-search result or predictors; returns cost, sets mv.
NVCAST_HD_FN int choose_16x16(const FrameContext& f, const MbPointers& p, int mbx, int mby, Mv mvp, Mv skip_mv, Mv& best_mv) {
    const MotionResult& me = f.motion[static_cast<ptrdiff_t>(mby) * f.mb_w + mbx];
    const Mv cands[3] = {me.mv16, mvp, skip_mv};
    int best = INT_MAX;
    for (int i = 0; i < 3; ++i) {
        bool dup = false;
        for (int j = 0; j < i; ++j) dup |= cands[j] == cands[i];
        if (dup || !f.mv_allowed(mbx, mbx * 16, 16, cands[i])) continue;
        const int c = luma_cost(f, p, mbx, mby, 0, 0, 16, 16, cands[i]) + f.cost_bits(mvd_bits(cands[i], mvp));
        if (c < best) {
            best = c;
            best_mv = cands[i];
        }
    }
    return best;
}

NVCAST_HD_FN void code_inter(const FrameContext& f, const MbPointers& p, int mbx, int mby, MbInfo& mb) {
    uint8_t pl[256], pu[64], pv[64];
    inter_prediction(f, mbx, mby, mb, pl, pu, pv);
    code_luma_inter(p.src[0], p.src_stride[0], pl, f.qp, mb);
    recon_luma(mb, pl, f.qp, false, p.rec[0], p.rec_stride[0]);
    const uint8_t* src[2] = {p.src[1], p.src[2]};
    const uint8_t* pr[2] = {pu, pv};
    uint8_t* dst[2] = {p.rec[1], p.rec[2]};
    code_recon_chroma(src, p.src_stride[1], pr, chroma_qp(f.qp), false, mb, dst, p.rec_stride[1]);
}

// Tries the 16x8 / 8x16 / 8x8 partitions with the motion-search vectors; returns the best cost
// (INT_MAX when none) and leaves the winning layout in `out`.
NVCAST_HD_FN int choose_partitions(const FrameContext& f, const MbPointers& p, int mbx, int mby, MbInfo& mb, MbInfo& out) {
    const MotionResult& me = f.motion[static_cast<ptrdiff_t>(mby) * f.mb_w + mbx];
    int best = INT_MAX;
    struct Layout {
        uint8_t type;
        PartShape shape;
        int n, bw, bh;
    };
    constexpr Layout kLayouts[3] = {{kMbP16x8, PartShape::k16x8, 2, 4, 2},
                                           {kMbP8x16, PartShape::k8x16, 2, 2, 4},
                                           {kMbP8x8, PartShape::k8x8, 4, 2, 2}};
    for (const Layout& l : kLayouts) {
        mb.type = l.type;
        int cost = f.cost_bits(l.type == kMbP8x8 ? 9 : 3);
        for (int i = 0; i < l.n; ++i) {
            const int bx = l.type == kMbP16x8 ? 0 : (i & 1) * 2;
            const int by = l.type == kMbP8x16 ? 0 : (l.type == kMbP16x8 ? i * 2 : (i >> 1) * 2);
            const Mv mvp = predict_mv(f, mbx, mby, bx, by, l.bw, l.shape);
            const Mv mv = l.type == kMbP16x8 ? me.mv16x8[i] : (l.type == kMbP8x16 ? me.mv8x16[i] : me.mv8[i]);
            if (!f.mv_allowed(mbx, mbx * 16 + bx * 4, l.bw * 4, mv)) {
                cost = INT_MAX;
                break;
            }
            set_mv(mb, bx, by, l.bw, l.bh, mv);
            mb.mvd[i] = Mv{static_cast<int16_t>(mv.x - mvp.x), static_cast<int16_t>(mv.y - mvp.y)};
            cost += luma_cost(f, p, mbx, mby, bx, by, l.bw * 4, l.bh * 4, mv) + f.cost_bits(mvd_bits(mv, mvp));
        }
        if (cost < best) {
            best = cost;
            out = mb;
        }
    }
    return best;
}

}  // namespace decide_detail

using namespace decide_detail;

// Mode decision, transform, quantisation and reconstruction of one macroblock into f.mbs / f.rec.
NVCAST_HD_FN void decide_and_reconstruct(const FrameContext& f, int mbx, int mby) {
    MbInfo& mb = f.mb(mbx, mby);
    mb = MbInfo{};
    mb.slice = f.slice_of_row(mby);
    mb.qp = static_cast<int8_t>(f.qp);
    const MbPointers p = pointers(f, mbx, mby);
    int i16_mode = kI16Dc;
    const bool forced_intra = f.forced_intra(mbx);
    if (forced_intra) {
        const int i16_cost = best_intra16(f, mbx, mby, p, i16_mode);
        code_intra(f, mbx, mby, p, mb, i16_cost, i16_mode);
        return;
    }
    // P_Skip: taken when the skip vector leaves no residual worth coding.
    const Mv skip_mv = predict_skip_mv(f, mbx, mby);
    mb.type = kMbP16x16;
    set_mv(mb, 0, 0, 4, 4, skip_mv);
    if (f.mv_allowed(mbx, mbx * 16, 16, skip_mv)) {
        MbInfo t = mb;
        code_inter(f, p, mbx, mby, t);
        if (t.cbp == 0) {
            mb = t;
            mb.type = kMbPSkip;
            return;
        }
    }
    const Mv mvp = predict_mv(f, mbx, mby, 0, 0, 4, PartShape::k16x16);
    Mv mv16;
    int inter_cost = choose_16x16(f, p, mbx, mby, mvp, skip_mv, mv16);
    if (inter_cost != INT_MAX) inter_cost += f.cost_bits(1);
    MbInfo inter = mb;
    set_mv(inter, 0, 0, 4, 4, mv16);
    inter.mvd[0] = Mv{static_cast<int16_t>(mv16.x - mvp.x), static_cast<int16_t>(mv16.y - mvp.y)};
    if (f.tools.partitions) {
        MbInfo part;
        const MbInfo saved = mb;  // partitions are tried in place: predict_mv reads earlier ones from f
        const int pc = choose_partitions(f, p, mbx, mby, mb, part);
        mb = saved;
        if (pc < inter_cost) {
            inter_cost = pc;
            inter = part;
        }
    }
    const int i16_cost = best_intra16(f, mbx, mby, p, i16_mode) + f.cost_bits(4);
    if (i16_cost < inter_cost || inter_cost == INT_MAX) {
        mb = MbInfo{};
        mb.slice = f.slice_of_row(mby);
        mb.qp = static_cast<int8_t>(f.qp);
        code_intra(f, mbx, mby, p, mb, i16_cost, i16_mode);
        return;
    }
    mb = inter;
    code_inter(f, p, mbx, mby, mb);
    if (mb.type == kMbP16x16 && mb.cbp == 0 && mv16 == skip_mv) mb.type = kMbPSkip;
}

// Runs decide_and_reconstruct over the frame in wavefront order (x + 2y ascending).
void wavefront_stage(const FrameContext& f);

}  // namespace nvcast::nvh264
