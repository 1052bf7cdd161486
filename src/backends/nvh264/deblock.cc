#include "backends/nvh264/deblock.h"

#include "backends/nvh264/transform.h"

namespace nvcast::nvh264 {
namespace {

constexpr uint8_t kAlpha[52] = {0,  0,  0,  0,  0,  0,  0,  0,  0,   0,   0,   0,   0,   0,   0,   0,   4,  4,
                                5,  6,  7,  8,  9,  10, 12, 13, 15,  17,  20,  22,  25,  28,  32,  36,  40, 45,
                                50, 56, 63, 71, 80, 90, 101, 113, 127, 144, 162, 182, 203, 226, 255, 255};
constexpr uint8_t kBeta[52] = {0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0,  0,  0,  0,  2,  2,  2,  3,  3,  3,  3,  4,  4,  4,
                               6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18};
constexpr uint8_t kTc0[52][3] = {
    {0, 0, 0},   {0, 0, 0},   {0, 0, 0},   {0, 0, 0},    {0, 0, 0},    {0, 0, 0},    {0, 0, 0},    {0, 0, 0},
    {0, 0, 0},   {0, 0, 0},   {0, 0, 0},   {0, 0, 0},    {0, 0, 0},    {0, 0, 0},    {0, 0, 0},    {0, 0, 0},
    {0, 0, 0},   {0, 0, 1},   {0, 0, 1},   {0, 0, 1},    {0, 0, 1},    {0, 1, 1},    {0, 1, 1},    {1, 1, 1},
    {1, 1, 1},   {1, 1, 1},   {1, 1, 1},   {1, 1, 2},    {1, 1, 2},    {1, 1, 2},    {1, 1, 2},    {1, 2, 3},
    {1, 2, 3},   {2, 2, 3},   {2, 2, 4},   {2, 3, 4},    {2, 3, 4},    {3, 3, 5},    {3, 4, 6},    {3, 4, 6},
    {4, 5, 7},   {4, 5, 8},   {4, 6, 9},   {5, 7, 10},   {6, 8, 11},   {6, 8, 13},   {7, 10, 14},  {8, 11, 16},
    {9, 12, 18}, {10, 13, 20}, {11, 15, 23}, {13, 17, 25}};

// Filters one line of samples across an edge: p[-k*step] are p_k-1 ... q at p[0], p[step], ...
NVCAST_HD void filter_line(uint8_t* q0p, int step, int bs, int alpha, int beta, int tc0, bool chroma) {
    const int p0 = q0p[-step], p1 = q0p[-2 * step], q0 = q0p[0], q1 = q0p[step];
    if (!(iabs(p0 - q0) < alpha && iabs(p1 - p0) < beta && iabs(q1 - q0) < beta)) return;
    if (chroma) {
        if (bs < 4) {
            const int tc = tc0 + 1;
            const int delta = clip3(-tc, tc, (((q0 - p0) << 2) + (p1 - q1) + 4) >> 3);
            q0p[-step] = clip_pixel(p0 + delta);
            q0p[0] = clip_pixel(q0 - delta);
        } else {
            q0p[-step] = static_cast<uint8_t>((2 * p1 + p0 + q1 + 2) >> 2);
            q0p[0] = static_cast<uint8_t>((2 * q1 + q0 + p1 + 2) >> 2);
        }
        return;
    }
    const int p2 = q0p[-3 * step], q2 = q0p[2 * step];
    const int ap = iabs(p2 - p0), aq = iabs(q2 - q0);
    if (bs < 4) {
        const int tc = tc0 + (ap < beta) + (aq < beta);
        const int delta = clip3(-tc, tc, (((q0 - p0) << 2) + (p1 - q1) + 4) >> 3);
        q0p[-step] = clip_pixel(p0 + delta);
        q0p[0] = clip_pixel(q0 - delta);
        if (ap < beta) q0p[-2 * step] = static_cast<uint8_t>(p1 + clip3(-tc0, tc0, (p2 + ((p0 + q0 + 1) >> 1) - (p1 << 1)) >> 1));
        if (aq < beta) q0p[step] = static_cast<uint8_t>(q1 + clip3(-tc0, tc0, (q2 + ((p0 + q0 + 1) >> 1) - (q1 << 1)) >> 1));
        return;
    }
    const int p3 = q0p[-4 * step], q3 = q0p[3 * step];
    const bool strong = iabs(p0 - q0) < ((alpha >> 2) + 2);
    if (ap < beta && strong) {
        q0p[-step] = static_cast<uint8_t>((p2 + 2 * p1 + 2 * p0 + 2 * q0 + q1 + 4) >> 3);
        q0p[-2 * step] = static_cast<uint8_t>((p2 + p1 + p0 + q0 + 2) >> 2);
        q0p[-3 * step] = static_cast<uint8_t>((2 * p3 + 3 * p2 + p1 + p0 + q0 + 4) >> 3);
    } else {
        q0p[-step] = static_cast<uint8_t>((2 * p1 + p0 + q1 + 2) >> 2);
    }
    if (aq < beta && strong) {
        q0p[0] = static_cast<uint8_t>((p1 + 2 * p0 + 2 * q0 + 2 * q1 + q2 + 4) >> 3);
        q0p[step] = static_cast<uint8_t>((p0 + q0 + q1 + q2 + 2) >> 2);
        q0p[2 * step] = static_cast<uint8_t>((2 * q3 + 3 * q2 + q1 + q0 + p0 + 4) >> 3);
    } else {
        q0p[0] = static_cast<uint8_t>((2 * q1 + q0 + p1 + 2) >> 2);
    }
}

// Boundary strength between 4x4 blocks p (in mp at raster rp) and q (in mq at rq).
int boundary_strength(const MbInfo& mp, int rp, const MbInfo& mq, int rq, bool mb_edge) {
    if (is_intra(mp.type) || is_intra(mq.type)) return mb_edge ? 4 : 3;
    if (mp.nnz[rp] || mq.nnz[rq]) return 2;
    const Mv a = mp.mv[rp], b = mq.mv[rq];
    if (iabs(a.x - b.x) >= 4 || iabs(a.y - b.y) >= 4) return 1;
    return 0;
}

}  // namespace

void deblock_stage(FrameContext& f, const DeblockParams& prm) {
    Plane* planes[3] = {&f.rec->y, &f.rec->u, &f.rec->v};
    for (int mby = 0; mby < f.mb_h; ++mby)
        for (int mbx = 0; mbx < f.mb_w; ++mbx) {
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
                    for (int c = 0; c < 3; ++c) {
                        if (c > 0 && (e & 1)) continue;  // chroma edges: luma edges 0 and 2 (8 samples apart)
                        const int qpl = c == 0 ? qp_av : (chroma_qp(mp.qp) + chroma_qp(mq.qp) + 1) >> 1;
                        const int ia = clip3(0, 51, qpl + prm.alpha_offset), ib = clip3(0, 51, qpl + prm.beta_offset);
                        const int alpha = kAlpha[ia], beta = kBeta[ib];
                        if (alpha == 0 || beta == 0) continue;
                        Plane& pl = *planes[c];
                        const int size = c == 0 ? 16 : 8;
                        const int off = c == 0 ? e * 4 : (e / 2) * 4;
                        for (int i = 0; i < size; ++i) {
                            const int b = bs[c == 0 ? i / 4 : i / 2];
                            if (b == 0) continue;
                            const int tc0 = b < 4 ? kTc0[ia][b - 1] : 0;
                            uint8_t* q0;
                            int step;
                            if (dir == 0) {
                                q0 = pl.row(mby * size + i) + mbx * size + off;
                                step = 1;
                            } else {
                                q0 = pl.row(mby * size + off) + mbx * size + i;
                                step = pl.stride;
                            }
                            filter_line(q0, step, b, alpha, beta, tc0, c > 0);
                        }
                    }
                }
            }
        }
}

}  // namespace nvcast::nvh264
