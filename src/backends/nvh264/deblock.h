// nvh264: in-loop deblocking filter (8.7). A stage after reconstruction; one
// macroblock's filtering is shared host/device code. The CPU reference runs
// macroblocks in raster order, the GPU in x + 2y anti-diagonals (equivalent).
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

// Where deblocking reads and writes one macroblock's samples: per plane, the macroblock's top-left
// sample and the row stride. The 4 rows above and 4 columns to the left must be addressable too
// (the picture itself on the host; a copy of that window in shared memory on the GPU).
struct MbSamples {
    uint8_t* origin[3];
    int stride[3];
};

NVCAST_HD MbSamples picture_samples(const PictureView& pic, int mbx, int mby) {
    MbSamples s{};
    for (int c = 0; c < 3; ++c) {
        const int size = c ? 8 : 16;
        s.origin[c] = pic.plane(c).row(mby * size) + mbx * size;
        s.stride[c] = pic.plane(c).stride;
    }
    return s;
}

// Filters the edges of macroblock (mbx, mby) of f.rec in place: vertical edges left to right, then
// horizontal edges top to bottom (8.7). It reads and writes up to 4 samples into the left and top
// neighbours, so any order in which (x-1, y), (x, y-1) and (x+1, y-1) come first equals raster order
// (the GPU runs anti-diagonals x + 2y).
// The lines across one edge are independent (16 luma, and on edges 0 and 2 8 per chroma plane), so
// `lanes` threads may share a macroblock: lane k filters lines k, k + lanes, ... and all lanes meet
// (NVCAST_LANE_SYNC) before the next edge. The host calls it with one lane. The samples are those of
// `samples` (picture_samples(f.rec, ...), or a copy of that window).
NVCAST_HD_FN void deblock_mb(const FrameContext& f, const DeblockParams& prm, int mbx, int mby, const MbSamples& samples,
                             int lane = 0, int lanes = 1) {
    using deblock_detail::boundary_strength;
    const MbInfo& mq = f.mb(mbx, mby);
    for (int dir = 0; dir < 2; ++dir) {  // 0: vertical edges, 1: horizontal edges
        for (int e = 0; e < 4; ++e) {
            const bool mb_edge = e == 0;
            if (mb_edge && (dir == 0 ? mbx == 0 : mby == 0)) continue;
            const MbInfo& mp = mb_edge ? (dir == 0 ? f.mb(mbx - 1, mby) : f.mb(mbx, mby - 1)) : mq;
            int bs[4];
            for (int k = 0; k < 4; ++k) {
                const int rq = dir == 0 ? k * 4 + e : e * 4 + k;
                const int rp = dir == 0 ? (mb_edge ? k * 4 + 3 : rq - 1) : (mb_edge ? 12 + k : rq - 4);
                bs[k] = boundary_strength(mp, rp, mq, rq, mb_edge);
            }
            const int qp_av = (mp.qp + mq.qp + 1) >> 1;
            // Work items: luma lines 0..15, then (chroma edges: luma edges 0 and 2) 8 lines of each chroma plane.
            const int items = (e & 1) ? 16 : 32;
            for (int item = lane; item < items; item += lanes) {
                const int c = item < 16 ? 0 : (item < 24 ? 1 : 2);
                const int i = c == 0 ? item : (item - 16) & 7;
                const int qpl = c == 0 ? qp_av : (chroma_qp(mp.qp) + chroma_qp(mq.qp) + 1) >> 1;
                const int ia = clip3(0, 51, qpl + prm.alpha_offset), ib = clip3(0, 51, qpl + prm.beta_offset);
                const int alpha = deblock_alpha(ia), beta = deblock_beta(ib);
                const int b = bs[c == 0 ? i / 4 : i / 2];
                if (alpha == 0 || beta == 0 || b == 0) continue;
                const int stride = samples.stride[c];
                const int off = c == 0 ? e * 4 : (e / 2) * 4;
                const int tc0 = b < 4 ? deblock_tc0(ia, b) : 0;
                uint8_t* q0;
                int step;
                if (dir == 0) {
                    q0 = samples.origin[c] + i * stride + off;
                    step = 1;
                } else {
                    q0 = samples.origin[c] + off * stride + i;
                    step = stride;
                }
                filter_line(q0, step, b, alpha, beta, tc0, c > 0);
            }
            NVCAST_LANE_SYNC();
        }
    }
}

// Filters f.rec in place, macroblocks in raster order.
void deblock_stage(const FrameContext& f, const DeblockParams& params);

}  // namespace nvcast::nvh264
