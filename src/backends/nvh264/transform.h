// nvh264: 4x4 integer transforms, Hadamard DC transforms, quantisation with
// a dead zone and the exact scaling (dequantisation) of H.264 clause 8.5.
// Blocks are 16 values in raster order (index y*4+x).
#pragma once

#include "backends/nvh264/common.h"

namespace nvcast::nvh264 {

// Quantisation multipliers MF and scaling factors v (normAdjust4x4) per qp%6 and position
// class (0: both coordinates even, 1: both odd, 2: mixed). Tables live inside functions so
// device code can use them.
NVCAST_HD int quant_mf(int qp, int cls) {
    static constexpr int t[6][3] = {{13107, 5243, 8066}, {11916, 4660, 7490}, {10082, 4194, 6554},
                             {9362, 3647, 5825},  {8192, 3355, 5243},  {7282, 2893, 4559}};
    return t[qp % 6][cls];
}
NVCAST_HD int dequant_v(int qp, int cls) {
    static constexpr int t[6][3] = {{10, 16, 13}, {11, 18, 14}, {13, 20, 16}, {14, 23, 18}, {16, 25, 20}, {18, 29, 23}};
    return t[qp % 6][cls];
}

NVCAST_HD int pos_class(int i) {
    const int x = i & 3, y = i >> 2;
    if (((x | y) & 1) == 0) return 0;
    if ((x & 1) && (y & 1)) return 1;
    return 2;
}

// QPc from qPI (Table 8-15).
NVCAST_HD int chroma_qp(int qpi) {
    static constexpr int t[22] = {29, 30, 31, 32, 32, 33, 34, 34, 35, 35, 36, 36, 37, 37, 37, 38, 38, 38, 39, 39, 39, 39};
    qpi = clip3(0, 51, qpi);
    return qpi < 30 ? qpi : t[qpi - 30];
}

// Largest |level| written: CAVLC without level_prefix > 15 (Baseline) reaches 2063 in every context.
constexpr int kMaxLevel = 2063;

NVCAST_HD void forward4x4(const int16_t* in, int* out) {
    int t[16];
    for (int y = 0; y < 4; ++y) {
        const int a = in[y * 4 + 0], b = in[y * 4 + 1], c = in[y * 4 + 2], d = in[y * 4 + 3];
        const int s03 = a + d, d03 = a - d, s12 = b + c, d12 = b - c;
        t[y * 4 + 0] = s03 + s12;
        t[y * 4 + 1] = 2 * d03 + d12;
        t[y * 4 + 2] = s03 - s12;
        t[y * 4 + 3] = d03 - 2 * d12;
    }
    for (int x = 0; x < 4; ++x) {
        const int a = t[x], b = t[4 + x], c = t[8 + x], d = t[12 + x];
        const int s03 = a + d, d03 = a - d, s12 = b + c, d12 = b - c;
        out[x] = s03 + s12;
        out[4 + x] = 2 * d03 + d12;
        out[8 + x] = s03 - s12;
        out[12 + x] = d03 - 2 * d12;
    }
}

// Inverse transform of scaled coefficients d (8.5.12.2), result residual r = (h + 32) >> 6.
NVCAST_HD void inverse4x4(const int* d, int* r) {
    int t[16];
    for (int y = 0; y < 4; ++y) {
        const int* row = d + y * 4;
        const int e = row[0] + row[2], f = row[0] - row[2];
        const int g = (row[1] >> 1) - row[3], h = row[1] + (row[3] >> 1);
        t[y * 4 + 0] = e + h;
        t[y * 4 + 1] = f + g;
        t[y * 4 + 2] = f - g;
        t[y * 4 + 3] = e - h;
    }
    for (int x = 0; x < 4; ++x) {
        const int e = t[x] + t[8 + x], f = t[x] - t[8 + x];
        const int g = (t[4 + x] >> 1) - t[12 + x], h = t[4 + x] + (t[12 + x] >> 1);
        r[x] = (e + h + 32) >> 6;
        r[4 + x] = (f + g + 32) >> 6;
        r[8 + x] = (f - g + 32) >> 6;
        r[12 + x] = (e - h + 32) >> 6;
    }
}

// 4x4 Hadamard (used both ways; no normalisation).
NVCAST_HD void hadamard4x4(const int* in, int* out) {
    int t[16];
    for (int y = 0; y < 4; ++y) {
        const int a = in[y * 4], b = in[y * 4 + 1], c = in[y * 4 + 2], d = in[y * 4 + 3];
        t[y * 4 + 0] = a + b + c + d;
        t[y * 4 + 1] = a + b - c - d;
        t[y * 4 + 2] = a - b - c + d;
        t[y * 4 + 3] = a - b + c - d;
    }
    for (int x = 0; x < 4; ++x) {
        const int a = t[x], b = t[4 + x], c = t[8 + x], d = t[12 + x];
        out[x] = a + b + c + d;
        out[4 + x] = a + b - c - d;
        out[8 + x] = a - b - c + d;
        out[12 + x] = a - b + c - d;
    }
}

// Dead-zone quantiser: level = sign(w) * ((|w| * mf + f) >> qbits), clipped to what CAVLC can carry.
NVCAST_HD int quant(int w, int mf, int f, int qbits) {
    const int a = static_cast<int>((static_cast<int64_t>(iabs(w)) * mf + f) >> qbits);
    const int l = imin(a, kMaxLevel);
    return w < 0 ? -l : l;
}

// Quantises a transformed 4x4 block; returns the number of non-zero levels. start = 1 skips the DC.
NVCAST_HD int quant4x4(const int* w, int16_t* level, int qp, bool intra, int start) {
    const int qbits = 15 + qp / 6;
    const int f = (1 << qbits) / (intra ? 3 : 6);
    int nz = 0;
    for (int i = start; i < 16; ++i) {
        level[i] = static_cast<int16_t>(quant(w[i], quant_mf(qp, pos_class(i)), f, qbits));
        nz += level[i] != 0;
    }
    if (start) level[0] = 0;
    return nz;
}

// Scaling of a 4x4 block of levels (flat scaling lists): d = (c * v) << (qp / 6). start = 1 keeps d[0] (DC path).
NVCAST_HD void dequant4x4(const int16_t* level, int* d, int qp, int start) {
    for (int i = start; i < 16; ++i) d[i] = (level[i] * dequant_v(qp, pos_class(i))) << (qp / 6);
}

// Intra 16x16 luma DC: levels from the Hadamard of the 16 DC coefficients (raster of 4x4 blocks).
NVCAST_HD int quant_luma_dc(const int* dc, int16_t* level, int qp) {
    int h[16];
    hadamard4x4(dc, h);
    const int qbits = 16 + qp / 6;
    const int f = (1 << qbits) / 3;
    int nz = 0;
    for (int i = 0; i < 16; ++i) {
        level[i] = static_cast<int16_t>(quant(h[i] / 2, quant_mf(qp, 0), f, qbits));
        nz += level[i] != 0;
    }
    return nz;
}

// 8.5.10: inverse Hadamard and scaling of the luma DC levels (raster) into dcY (raster of 4x4 blocks).
NVCAST_HD void dequant_luma_dc(const int16_t* level, int* dcy, int qp) {
    int c[16], f[16];
    for (int i = 0; i < 16; ++i) c[i] = level[i];
    hadamard4x4(c, f);
    const int scale = 16 * dequant_v(qp, 0);
    for (int i = 0; i < 16; ++i) {
        if (qp >= 36)
            dcy[i] = (f[i] * scale) << (qp / 6 - 6);
        else
            dcy[i] = (f[i] * scale + (1 << (5 - qp / 6))) >> (6 - qp / 6);
    }
}

NVCAST_HD void hadamard2x2(const int* in, int* out) {
    const int a = in[0], b = in[1], c = in[2], d = in[3];
    out[0] = a + b + c + d;
    out[1] = a - b + c - d;
    out[2] = a + b - c - d;
    out[3] = a - b - c + d;
}

NVCAST_HD int quant_chroma_dc(const int* dc, int16_t* level, int qp, bool intra) {
    int h[4];
    hadamard2x2(dc, h);
    const int qbits = 16 + qp / 6;
    const int f = (1 << qbits) / (intra ? 3 : 6);
    int nz = 0;
    for (int i = 0; i < 4; ++i) {
        level[i] = static_cast<int16_t>(quant(h[i], quant_mf(qp, 0), f, qbits));
        nz += level[i] != 0;
    }
    return nz;
}

// 8.5.11.2 for 4:2:0: dcC = ((f * LevelScale(qp % 6, 0, 0)) << (qp / 6)) >> 5.
NVCAST_HD void dequant_chroma_dc(const int16_t* level, int* dcc, int qp) {
    int c[4], f[4];
    for (int i = 0; i < 4; ++i) c[i] = level[i];
    hadamard2x2(c, f);
    const int scale = 16 * dequant_v(qp, 0);
    for (int i = 0; i < 4; ++i) dcc[i] = ((f[i] * scale) << (qp / 6)) >> 5;
}

// Sum of absolute Hadamard-transformed differences of a 4x4 block (halved, like common practice).
NVCAST_HD int satd4x4(const uint8_t* a, int astride, const uint8_t* b, int bstride) {
    int d[16], h[16];
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) d[y * 4 + x] = a[y * astride + x] - b[y * bstride + x];
    hadamard4x4(d, h);
    int s = 0;
    for (int i = 0; i < 16; ++i) s += iabs(h[i]);
    return s >> 1;
}

// SATD of a w x h block: the sum of its 4x4 blocks' satd4x4, a 4x4 block per lane (every lane gets the sum).
NVCAST_HD int satd(const uint8_t* a, int astride, const uint8_t* b, int bstride, int w, int h, Lanes lanes = Lanes{}) {
    return lanes.sum_4x4_blocks(
        w, h, [&](int x, int y) { return satd4x4(a + y * astride + x, astride, b + y * bstride + x, bstride); });
}

NVCAST_HD int sad(const uint8_t* a, int astride, const uint8_t* b, int bstride, int w, int h) {
    int s = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) s += iabs(a[y * astride + x] - b[y * bstride + x]);
    return s;
}

}  // namespace nvcast::nvh264
