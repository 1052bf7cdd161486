// nvh264: the deblocking filter's per-line arithmetic and tables (8.7.2), NVCAST_HD so the
// CUDA port filters with the same code.
#pragma once

#include "backends/nvh264/common.h"

namespace nvcast::nvh264 {

// alpha' (Table 8-16) for indexA.
NVCAST_HD int deblock_alpha(int index_a) {
    static constexpr uint8_t t[52] = {0,  0,  0,  0,  0,  0,  0,  0,  0,   0,   0,   0,   0,   0,   0,   0,   4,  4,
                                    5,  6,  7,  8,  9,  10, 12, 13, 15,  17,  20,  22,  25,  28,  32,  36,  40, 45,
                                    50, 56, 63, 71, 80, 90, 101, 113, 127, 144, 162, 182, 203, 226, 255, 255};
    return t[index_a];
}

// beta' (Table 8-16) for indexB.
NVCAST_HD int deblock_beta(int index_b) {
    static constexpr uint8_t t[52] = {0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0,  0,  0,  0,  2,  2,  2,  3,  3,  3,  3,  4,  4,  4,
                                   6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18};
    return t[index_b];
}

// tC0 (Table 8-17) for indexA and bS 1..3.
NVCAST_HD int deblock_tc0(int index_a, int bs) {
    static constexpr uint8_t t[52][3] = {
        {0, 0, 0},   {0, 0, 0},   {0, 0, 0},   {0, 0, 0},    {0, 0, 0},    {0, 0, 0},    {0, 0, 0},    {0, 0, 0},
        {0, 0, 0},   {0, 0, 0},   {0, 0, 0},   {0, 0, 0},    {0, 0, 0},    {0, 0, 0},    {0, 0, 0},    {0, 0, 0},
        {0, 0, 0},   {0, 0, 1},   {0, 0, 1},   {0, 0, 1},    {0, 0, 1},    {0, 1, 1},    {0, 1, 1},    {1, 1, 1},
        {1, 1, 1},   {1, 1, 1},   {1, 1, 1},   {1, 1, 2},    {1, 1, 2},    {1, 1, 2},    {1, 1, 2},    {1, 2, 3},
        {1, 2, 3},   {2, 2, 3},   {2, 2, 4},   {2, 3, 4},    {2, 3, 4},    {3, 3, 5},    {3, 4, 6},    {3, 4, 6},
        {4, 5, 7},   {4, 5, 8},   {4, 6, 9},   {5, 7, 10},   {6, 8, 11},   {6, 8, 13},   {7, 10, 14},  {8, 11, 16},
        {9, 12, 18}, {10, 13, 20}, {11, 15, 23}, {13, 17, 25}};
    return t[index_a][bs - 1];
}

// Filters one line of samples across an edge: q0p points at q0; p_k is q0p[-(k + 1) * step], q_k is q0p[k * step].
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

}  // namespace nvcast::nvh264
