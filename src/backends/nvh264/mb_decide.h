// nvh264: mode decision + transform + reconstruction of one macroblock, in two passes (plan_mb
// for all macroblocks at once, then finish_mb in wavefront order; see below).
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

// --- intra: modes planned on source samples, coded on the reconstruction --------------------

NVCAST_HD_FN int best_intra16(const FrameContext& f, int mbx, int mby, const MbPointers& p, int& mode_out,
                              Lanes lanes = Lanes{}) {
    const IntraNeighbours n = luma16_neighbours(f, f.src, mbx, mby);
    int best = INT_MAX;
    uint8_t pred[256];
    for (int m = 0; m < 4; ++m) {
        if (!intra16_mode_allowed(m, n)) continue;
        predict16x16(m, n, pred);
        const int c = satd(p.src[0], p.src_stride[0], pred, 16, 16, 16, lanes) + f.cost_bits(m == kI16Dc ? 1 : 3);
        if (c < best) {
            best = c;
            mode_out = m;
        }
    }
    return best;
}

// Whether Intra 4x4 block (raster r) of column mbx may not read its top-right samples (they belong
// to an unrefreshed macroblock during gradual decoder refresh).
NVCAST_HD bool i4_topright_forbidden(const FrameContext& f, int mbx, int r, const IntraNeighbours& n) {
    return mbx == f.gdr_i4_col && r == 3 && n.has_topright;
}

// Chooses the 16 Intra 4x4 modes into t.i4_mode from source samples; returns the cost.
NVCAST_HD_FN int plan_intra4x4(const FrameContext& f, int mbx, int mby, const MbPointers& p, MbInfo& t) {
    int total = 0;
    for (int blk = 0; blk < 16; ++blk) {
        const int r = blk_to_raster(blk), bx = r & 3, by = r >> 2;
        const IntraNeighbours n = luma4_neighbours(f, f.src, mbx, mby, blk);
        const int pm = predicted_intra4_mode(f, mbx, mby, blk, t, false);
        const uint8_t* s = p.src[0] + by * 4 * p.src_stride[0] + bx * 4;
        int best = INT_MAX, best_mode = kI4Dc;
        uint8_t pred[16];
        const bool no_topright = i4_topright_forbidden(f, mbx, r, n);
        for (int m = 0; m < 9; ++m) {
            if (!intra4_mode_allowed(m, n)) continue;
            if (no_topright && (m == kI4DiagDownLeft || m == kI4VerticalLeft)) continue;
            predict4x4(m, n, pred);
            const int c = satd4x4(s, p.src_stride[0], pred, 4) + f.cost_bits(m == pm ? 1 : 4);
            if (c < best) {
                best = c;
                best_mode = m;
            }
        }
        t.i4_mode[r] = static_cast<uint8_t>(best_mode);
        total += best;
    }
    return total;
}

NVCAST_HD_FN int plan_chroma_mode(const FrameContext& f, int mbx, int mby, const MbPointers& p, Lanes lanes) {
    const IntraNeighbours n[2] = {chroma_neighbours(f, f.src, mbx, mby, 1), chroma_neighbours(f, f.src, mbx, mby, 2)};
    uint8_t pred[64];
    int best = INT_MAX, best_mode = kChromaDc;
    for (int m = 0; m < 4; ++m) {
        if (!chroma_mode_allowed(m, n[0])) continue;
        int c = f.cost_bits(ue_bits(static_cast<uint32_t>(m)));
        for (int k = 0; k < 2; ++k) {
            predict_chroma8x8(m, n[k], pred);
            c += satd(p.src[1 + k], p.src_stride[1 + k], pred, 8, 8, 8, lanes);
        }
        if (c < best) {
            best = c;
            best_mode = m;
        }
    }
    return best_mode;
}

// Plans an intra macroblock: Intra 16x16 (mode i16_mode, cost i16_cost) or Intra 4x4, and the chroma mode.
NVCAST_HD_FN void plan_intra(const FrameContext& f, int mbx, int mby, const MbPointers& p, MbInfo& mb, int i16_cost,
                             int i16_mode, Lanes lanes) {
    mb.type = kMbI16x16;
    mb.i16_mode = static_cast<uint8_t>(i16_mode);
    if (f.tools.intra4x4) {
        MbInfo t = mb;
        t.type = kMbI4x4;
        if (plan_intra4x4(f, mbx, mby, p, t) + f.cost_bits(6) < i16_cost) mb = t;
    }
    mb.chroma_mode = static_cast<uint8_t>(plan_chroma_mode(f, mbx, mby, p, lanes));
}

// Codes and reconstructs a planned intra macroblock from its reconstructed neighbours.
NVCAST_HD_FN void code_intra(const FrameContext& f, int mbx, int mby, const MbPointers& p, MbInfo& mb) {
    if (mb.type == kMbI4x4) {
        for (int blk = 0; blk < 16; ++blk) {
            const int r = blk_to_raster(blk), bx = r & 3, by = r >> 2;
            uint8_t pred[16];
            predict4x4(mb.i4_mode[r], luma4_neighbours(f, f.rec, mbx, mby, blk), pred);
            code_recon_luma4x4(p.src[0] + by * 4 * p.src_stride[0] + bx * 4, p.src_stride[0], pred, f.qp, blk, mb,
                               p.rec[0] + by * 4 * p.rec_stride[0] + bx * 4, p.rec_stride[0]);
        }
        mb.cbp &= 0x30;
        for (int r = 0; r < 16; ++r)
            if (mb.nnz[r]) mb.cbp |= 1 << (((r >> 3) << 1) | ((r & 3) >> 1));
    } else {
        uint8_t pred[256];
        predict16x16(mb.i16_mode, luma16_neighbours(f, f.rec, mbx, mby), pred);
        code_luma_i16(p.src[0], p.src_stride[0], pred, f.qp, mb);
        recon_luma(mb, pred, f.qp, true, p.rec[0], p.rec_stride[0]);
    }
    uint8_t pred[2][64];
    for (int k = 0; k < 2; ++k) predict_chroma8x8(mb.chroma_mode, chroma_neighbours(f, f.rec, mbx, mby, 1 + k), pred[k]);
    const uint8_t* src[2] = {p.src[1], p.src[2]};
    const uint8_t* pr[2] = {pred[0], pred[1]};
    uint8_t* dst[2] = {p.rec[1], p.rec[2]};
    code_recon_chroma(src, p.src_stride[1], pr, chroma_qp(f.qp), true, mb, dst, p.rec_stride[1]);
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

NVCAST_HD int luma_cost(const FrameContext& f, const MbPointers& p, int mbx, int mby, int bx, int by, int w, int h, Mv mv,
                        Lanes lanes) {
    return predicted_satd(f.ref, p.src[0] + by * 4 * p.src_stride[0] + bx * 4, p.src_stride[0], mbx * 16 + bx * 4,
                          mby * 16 + by * 4, w, h, mv, lanes);
}

// Best 16x16 inter candidate: the motion-search result or the (estimated) predictors; returns the
// cost with the vector's rate against the estimated predictor, sets mv.
NVCAST_HD_FN int choose_16x16(const FrameContext& f, const MbPointers& p, int mbx, int mby, const SearchedPredictors& sp,
                              Mv& best_mv, Lanes lanes) {
    const MotionResult& me = f.motion[static_cast<ptrdiff_t>(mby) * f.mb_w + mbx];
    // The left and top macroblocks' search vectors too: a neighbour's vector is what the true
    // predictor most often turns out to be.
    const ptrdiff_t i0 = static_cast<ptrdiff_t>(mby) * f.mb_w + mbx;
    const Mv left = mbx > 0 ? f.motion[i0 - 1].mv16 : me.mv16;
    const Mv top = mby > 0 ? f.motion[i0 - f.mb_w].mv16 : me.mv16;
    const Mv cands[5] = {me.mv16, sp.mvp, sp.skip, left, top};
    int best = INT_MAX;
    for (int i = 0; i < 5; ++i) {
        bool dup = false;
        for (int j = 0; j < i; ++j) dup |= cands[j] == cands[i];
        if (dup || !f.mv_allowed(mbx, mbx * 16, 16, cands[i])) continue;
        const int c = luma_cost(f, p, mbx, mby, 0, 0, 16, 16, cands[i], lanes) + f.cost_bits(mvd_bits(cands[i], sp.mvp));
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

// Partition i of an inter macroblock type, in 4x4 units.
struct Partition {
    int bx, by, bw, bh;
    PartShape shape;
};

NVCAST_HD int partition_count(uint8_t type) { return type == kMbP8x8 ? 4 : (type == kMbP16x16 ? 1 : 2); }

NVCAST_HD Partition partition_of(uint8_t type, int i) {
    switch (type) {
        case kMbP16x8: return Partition{0, i * 2, 4, 2, PartShape::k16x8};
        case kMbP8x16: return Partition{i * 2, 0, 2, 4, PartShape::k8x16};
        case kMbP8x8: return Partition{(i & 1) * 2, (i >> 1) * 2, 2, 2, PartShape::k8x8};
        default: return Partition{0, 0, 4, 4, PartShape::k16x16};
    }
}

// Tries the 16x8 / 8x16 / 8x8 partitions with the motion-search vectors, each vector's rate against
// the estimated 16x16 predictor; returns the best cost (INT_MAX when none) and its layout in `out`.
NVCAST_HD_FN int choose_partitions(const FrameContext& f, const MbPointers& p, int mbx, int mby, Mv mvp, MbInfo& out,
                                   Lanes lanes) {
    const MotionResult& me = f.motion[static_cast<ptrdiff_t>(mby) * f.mb_w + mbx];
    int best = INT_MAX;
    constexpr uint8_t kTypes[3] = {kMbP16x8, kMbP8x16, kMbP8x8};
    MbInfo mb = out;
    for (const uint8_t type : kTypes) {
        mb.type = type;
        int cost = f.cost_bits(type == kMbP8x8 ? 9 : 3);
        for (int i = 0; i < partition_count(type); ++i) {
            const Partition pt = partition_of(type, i);
            const Mv mv = type == kMbP16x8 ? me.mv16x8[i] : (type == kMbP8x16 ? me.mv8x16[i] : me.mv8[i]);
            if (!f.mv_allowed(mbx, mbx * 16 + pt.bx * 4, pt.bw * 4, mv)) {
                cost = INT_MAX;
                break;
            }
            set_mv(mb, pt.bx, pt.by, pt.bw, pt.bh, mv);
            cost += luma_cost(f, p, mbx, mby, pt.bx, pt.by, pt.bw * 4, pt.bh * 4, mv, lanes) +
                    f.cost_bits(mvd_bits(mv, mvp));
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

// Deciding a picture takes two passes, so that the expensive one sees no neighbour's decision:
//  1. plan_mb, every macroblock at once: chooses the mode from source samples and the motion
//     search's vectors (the neighbours' final vectors and reconstruction are not known yet);
//     inter macroblocks are also coded and reconstructed (they need nothing of their neighbours).
//  2. finish_mb, in an order that has each macroblock's left, top-left, top and top-right
//     neighbours finished: codes the intra macroblocks from the reconstruction and finds the
//     P_Skip macroblocks
//     (retrying the true skip vector where the plan's estimate missed it; speculate_skip_mb, in
//     between and again for all macroblocks at once, does most of those retries ahead).
//  3. vector_differences_mb, every macroblock at once: the final vectors as differences against the
//     true predictors.
// The estimates of pass 1 only steer decisions; every coded value follows the standard's rules.

// Plans macroblock (mbx, mby) into mb (see plan_mb).
NVCAST_HD_FN void plan_mb_into(const FrameContext& f, int mbx, int mby, Lanes lanes, MbInfo& mb) {
    mb = MbInfo{};
    mb.slice = f.slice_of_row(mby);
    mb.qp = static_cast<int8_t>(f.qp);
    const MbPointers p = pointers(f, mbx, mby);
    int i16_mode = kI16Dc;
    if (f.forced_intra(mbx)) {
        const int i16_cost = best_intra16(f, mbx, mby, p, i16_mode, lanes);  // sets i16_mode: not in the call below
        plan_intra(f, mbx, mby, p, mb, i16_cost, i16_mode, lanes);
        return;
    }
    const SearchedPredictors sp = searched_predictors(f, mbx, mby);
    // Early skip: the estimated skip vector leaves no residual worth coding.
    MbInfo inter = mb;
    inter.type = kMbP16x16;
    if (f.mv_allowed(mbx, mbx * 16, 16, sp.skip)) {
        set_mv(inter, 0, 0, 4, 4, sp.skip);
        code_inter(f, p, mbx, mby, inter);
        if (inter.cbp == 0) {
            mb = inter;
            return;
        }
        inter = mb;
        inter.type = kMbP16x16;
    }
    Mv mv16;
    int inter_cost = choose_16x16(f, p, mbx, mby, sp, mv16, lanes);
    if (inter_cost != INT_MAX) inter_cost += f.cost_bits(1);
    set_mv(inter, 0, 0, 4, 4, mv16);
    if (f.tools.partitions) {
        MbInfo part = mb;
        const int pc = choose_partitions(f, p, mbx, mby, sp.mvp, part, lanes);
        if (pc < inter_cost) {
            inter_cost = pc;
            inter = part;
        }
    }
    const int i16_cost = best_intra16(f, mbx, mby, p, i16_mode, lanes) + f.cost_bits(4);
    if (i16_cost < inter_cost || inter_cost == INT_MAX) {
        plan_intra(f, mbx, mby, p, mb, i16_cost, i16_mode, lanes);
        return;
    }
    mb = inter;
    code_inter(f, p, mbx, mby, mb);
}

// Pass 1 for macroblock (mbx, mby). Several lanes may share it: each SATD loop splits its 4x4 blocks
// among them and every lane gets the sums, so all lanes decide alike on their own copy of the
// macroblock (the rest, coding included, each lane does whole: it writes the same samples), and
// lane 0 stores the decision.
NVCAST_HD_FN void plan_mb(const FrameContext& f, int mbx, int mby, Lanes lanes = Lanes{}) {
    MbInfo mb;
    plan_mb_into(f, mbx, mby, lanes, mb);
    if (lanes.lane == 0) f.mb(mbx, mby) = mb;
}

// A macroblock planned as P_L0_16x16 with no residual whose vector is not the true P_Skip vector
// (the plan only had an estimate) is coded once more with the skip vector; if that leaves no residual
// either, it becomes P_Skip. The trial codes into trial.rec, so a failed one leaves the picture alone.
NVCAST_HD_FN void code_skip_trial(const FrameContext& f, int mbx, int mby, Mv skip_mv, SkipTrial& trial) {
    trial.mv = skip_mv;
    trial.tried = 1;
    trial.skippable = 0;
    if (!f.mv_allowed(mbx, mbx * 16, 16, skip_mv)) return;
    MbInfo t;
    t.type = kMbP16x16;
    set_mv(t, 0, 0, 4, 4, skip_mv);
    MbPointers p = pointers(f, mbx, mby);
    for (int c = 0; c < 3; ++c) {
        p.rec[c] = trial.rec + (c ? 192 + 64 * c : 0);
        p.rec_stride[c] = c ? 8 : 16;
    }
    code_inter(f, p, mbx, mby, t);
    trial.skippable = t.cbp == 0;
}

NVCAST_HD bool wants_skip_trial(const MbInfo& mb) { return mb.type == kMbP16x16 && mb.cbp == 0; }

// Between plan and finish, every macroblock at once: the skip trial against the skip vector the
// planned neighbours give. Most neighbours keep their planned vectors, so finish_mb usually finds
// its trial done; where a neighbour changed, it codes one itself.
NVCAST_HD_FN void speculate_skip_mb(const FrameContext& f, int mbx, int mby) {
    const MbInfo& mb = f.mb(mbx, mby);
    SkipTrial& trial = f.skip_trial(mbx, mby);
    trial.tried = 0;
    if (!wants_skip_trial(mb)) return;
    const Mv skip_mv = predict_skip_mv(f, mbx, mby);
    if (skip_mv != mb.mv[0]) code_skip_trial(f, mbx, mby, skip_mv, trial);
}

NVCAST_HD_FN void finish_mb(const FrameContext& f, int mbx, int mby) {
    MbInfo& mb = f.mb(mbx, mby);
    if (is_intra(mb.type)) {
        code_intra(f, mbx, mby, pointers(f, mbx, mby), mb);
        return;
    }
    if (wants_skip_trial(mb)) {
        const Mv skip_mv = predict_skip_mv(f, mbx, mby);
        if (mb.mv[0] == skip_mv) {
            mb.type = kMbPSkip;
            return;
        }
        SkipTrial& trial = f.skip_trial(mbx, mby);
        if (!trial.tried || trial.mv != skip_mv) code_skip_trial(f, mbx, mby, skip_mv, trial);
        if (trial.skippable) {
            const MbPointers p = pointers(f, mbx, mby);
            for (int c = 0; c < 3; ++c) {
                const int n = c ? 8 : 16;
                const uint8_t* from = trial.rec + (c ? 192 + 64 * c : 0);
                for (int y = 0; y < n; ++y)
                    for (int x = 0; x < n; ++x) p.rec[c][y * p.rec_stride[c] + x] = from[y * n + x];
            }
            set_mv(mb, 0, 0, 4, 4, skip_mv);
            mb.type = kMbPSkip;
            return;
        }
    }
}

// After finish_mb everywhere (every vector final), for all macroblocks at once: the coded vector
// differences of the inter macroblocks.
NVCAST_HD_FN void vector_differences_mb(const FrameContext& f, int mbx, int mby) {
    MbInfo& mb = f.mb(mbx, mby);
    if (is_intra(mb.type) || mb.type == kMbPSkip) return;
    // Partitions in coding order: predict_mv reads the earlier ones' vectors from the frame.
    for (int i = 0; i < partition_count(mb.type); ++i) {
        const Partition pt = partition_of(mb.type, i);
        const Mv mvp = predict_mv(f, mbx, mby, pt.bx, pt.by, pt.bw, pt.shape);
        const Mv mv = mb.mv[pt.by * 4 + pt.bx];
        mb.mvd[i] = make_mv(mv.x - mvp.x, mv.y - mvp.y);
    }
}

// Host stage: plan_mb, then speculate_skip_mb over the picture, finish_mb in raster order, then
// vector_differences_mb; all but finish_mb on `threads` threads (0: one per hardware thread).
void decide_stage(const FrameContext& f, int threads);

}  // namespace nvcast::nvh264
