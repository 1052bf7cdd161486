// nvh264: residual coding of one macroblock — transform, quantisation and the
// exact reconstruction a decoder performs (8.5), for luma and chroma.
#pragma once

#include "backends/nvh264/frame_context.h"
#include "backends/nvh264/transform.h"

namespace nvcast::nvh264 {

namespace residual_detail {

NVCAST_HD void diff4x4(const uint8_t* src, int ss, const uint8_t* pred, int ps, int16_t* d) {
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) d[y * 4 + x] = static_cast<int16_t>(src[y * ss + x] - pred[y * ps + x]);
}

NVCAST_HD void to_scan(const int16_t* raster, int16_t* scan) {
    for (int i = 0; i < 16; ++i) scan[i] = raster[zigzag4x4(i)];
}

NVCAST_HD void from_scan(const int16_t* scan, int16_t* raster) {
    for (int i = 0; i < 16; ++i) raster[zigzag4x4(i)] = scan[i];
}

NVCAST_HD void clear(int16_t* v, int n) {
    for (int i = 0; i < n; ++i) v[i] = 0;
}

NVCAST_HD int count_nz(const int16_t* v, int n) {
    int c = 0;
    for (int i = 0; i < n; ++i) c += v[i] != 0;
    return c;
}

// Decimation score of a block in scan order (x264-style idea: lone +-1 levels are not worth their bits).
NVCAST_HD int decimate_score(const int16_t* scan, int start) {
    static constexpr int kRunScore[16] = {3, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    int last = 15;
    while (last >= start && scan[last] == 0) --last;
    int score = 0;
    while (last >= start) {
        if (iabs(scan[last]) > 1) return 9;
        int run = 0;
        --last;
        while (last >= start && scan[last] == 0) {
            --last;
            ++run;
        }
        score += kRunScore[run];
    }
    return score;
}

NVCAST_HD void add_residual(const int* r, const uint8_t* pred, int ps, uint8_t* dst, int ds) {
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) dst[y * ds + x] = clip_pixel(pred[y * ps + x] + r[y * 4 + x]);
}

}  // namespace residual_detail

using namespace residual_detail;

// Transforms and quantises the luma residual src - pred (16x16, stride 16 for pred) as
// sixteen 4x4 blocks into mb.luma / mb.nnz; sets the luma bits of mb.cbp. Inter blocks get
// coefficient decimation. Does not reconstruct.
NVCAST_HD_FN void code_luma_inter(const uint8_t* src, int ss, const uint8_t* pred, int qp, MbInfo& mb) {
    int score8[4] = {};
    for (int r = 0; r < 16; ++r) {
        const int bx = r & 3, by = r >> 2;
        int16_t d[16], lv[16];
        int w[16];
        diff4x4(src + by * 4 * ss + bx * 4, ss, pred + by * 64 + bx * 4, 16, d);
        forward4x4(d, w);
        quant4x4(w, lv, qp, false, 0);
        to_scan(lv, mb.luma[r]);
        score8[(by >> 1) * 2 + (bx >> 1)] += decimate_score(mb.luma[r], 0);
    }
    int total = 0;
    for (int q = 0; q < 4; ++q) {
        if (score8[q] < 4) {
            for (int k = 0; k < 4; ++k) {
                const int r = ((q >> 1) * 2 + (k >> 1)) * 4 + (q & 1) * 2 + (k & 1);
                clear(mb.luma[r], 16);
            }
            score8[q] = 0;
        }
        total += score8[q];
    }
    if (total < 6) clear(&mb.luma[0][0], 16 * 16);
    mb.cbp &= 0x30;
    for (int r = 0; r < 16; ++r) {
        mb.nnz[r] = static_cast<uint8_t>(count_nz(mb.luma[r], 16));
        if (mb.nnz[r]) mb.cbp |= 1 << (((r >> 3) << 1) | ((r & 3) >> 1));
    }
}

// Intra16x16: DC through the Hadamard path, AC per block; cbp luma 0 or 15.
NVCAST_HD_FN void code_luma_i16(const uint8_t* src, int ss, const uint8_t* pred, int qp, MbInfo& mb) {
    int dc[16];
    int any_ac = 0;
    for (int r = 0; r < 16; ++r) {
        const int bx = r & 3, by = r >> 2;
        int16_t d[16], lv[16];
        int w[16];
        diff4x4(src + by * 4 * ss + bx * 4, ss, pred + by * 64 + bx * 4, 16, d);
        forward4x4(d, w);
        dc[r] = w[0];
        any_ac += quant4x4(w, lv, qp, true, 1);
        to_scan(lv, mb.luma[r]);
    }
    int16_t dcl[16];
    quant_luma_dc(dc, dcl, qp);
    to_scan(dcl, mb.luma_dc);
    mb.cbp = static_cast<uint8_t>((mb.cbp & 0x30) | (any_ac ? 15 : 0));
    for (int r = 0; r < 16; ++r) mb.nnz[r] = static_cast<uint8_t>(count_nz(mb.luma[r] + 1, 15));
}

// Reconstructs luma from mb's levels: dst = clip(pred + residual); i16 selects the DC path.
NVCAST_HD_FN void recon_luma(const MbInfo& mb, const uint8_t* pred, int qp, bool i16, uint8_t* dst, int ds) {
    int dcy[16] = {};
    if (i16) {
        int16_t dcl[16];
        from_scan(mb.luma_dc, dcl);
        dequant_luma_dc(dcl, dcy, qp);
    }
    for (int r = 0; r < 16; ++r) {
        const int bx = r & 3, by = r >> 2;
        int16_t lv[16];
        int dq[16], res[16];
        from_scan(mb.luma[r], lv);
        if (i16) {
            dequant4x4(lv, dq, qp, 1);
            dq[0] = dcy[r];
        } else {
            dequant4x4(lv, dq, qp, 0);
        }
        inverse4x4(dq, res);
        add_residual(res, pred + by * 64 + bx * 4, 16, dst + by * 4 * ds + bx * 4, ds);
    }
}

// One 4x4 intra block (coding index blk): quantise, store levels, reconstruct into dst. Returns nnz.
NVCAST_HD_FN int code_recon_luma4x4(const uint8_t* src, int ss, const uint8_t* pred, int qp, int blk, MbInfo& mb, uint8_t* dst,
                       int ds) {
    const int r = blk_to_raster(blk);
    int16_t d[16], lv[16];
    int w[16], dq[16], res[16];
    diff4x4(src, ss, pred, 4, d);
    forward4x4(d, w);
    const int nz = quant4x4(w, lv, qp, true, 0);
    to_scan(lv, mb.luma[r]);
    mb.nnz[r] = static_cast<uint8_t>(nz);
    dequant4x4(lv, dq, qp, 0);
    inverse4x4(dq, res);
    add_residual(res, pred, 4, dst, ds);
    return nz;
}

// Both chroma planes: residual src - pred (8x8 each, pred stride 8); sets mb.chroma_dc/ac, nnz_c and
// cbp bits 4-5, then reconstructs into dst planes.
NVCAST_HD_FN void code_recon_chroma(const uint8_t* const src[2], int ss, const uint8_t* const pred[2], int qpc, bool intra,
                       MbInfo& mb, uint8_t* const dst[2], int ds) {
    int16_t ac_raster[2][4][16];
    bool any_dc = false;
    int ac_score = 0;
    for (int c = 0; c < 2; ++c) {
        int dc[4];
        for (int b = 0; b < 4; ++b) {
            const int bx = b & 1, by = b >> 1;
            int16_t d[16];
            int w[16];
            diff4x4(src[c] + by * 4 * ss + bx * 4, ss, pred[c] + by * 32 + bx * 4, 8, d);
            forward4x4(d, w);
            dc[b] = w[0];
            quant4x4(w, ac_raster[c][b], qpc, intra, 1);
            to_scan(ac_raster[c][b], mb.chroma_ac[c][b]);
            ac_score += decimate_score(mb.chroma_ac[c][b], 1);
        }
        any_dc |= quant_chroma_dc(dc, mb.chroma_dc[c], qpc, intra) != 0;
    }
    if (!intra && ac_score < 7) clear(&mb.chroma_ac[0][0][0], 2 * 4 * 16);
    bool any_ac = false;
    for (int c = 0; c < 2; ++c)
        for (int b = 0; b < 4; ++b) {
            mb.nnz_c[c][b] = static_cast<uint8_t>(count_nz(mb.chroma_ac[c][b] + 1, 15));
            any_ac |= mb.nnz_c[c][b] != 0;
        }
    mb.cbp = static_cast<uint8_t>((mb.cbp & 15) | ((any_ac ? 2 : (any_dc ? 1 : 0)) << 4));
    for (int c = 0; c < 2; ++c) {
        int dcc[4];
        dequant_chroma_dc(mb.chroma_dc[c], dcc, qpc);
        for (int b = 0; b < 4; ++b) {
            const int bx = b & 1, by = b >> 1;
            int16_t lv[16];
            int dq[16], res[16];
            from_scan(mb.chroma_ac[c][b], lv);
            dequant4x4(lv, dq, qpc, 1);
            dq[0] = dcc[b];
            inverse4x4(dq, res);
            add_residual(res, pred[c] + by * 32 + bx * 4, 8, dst[c] + by * 4 * ds + bx * 4, ds);
        }
    }
}

}  // namespace nvcast::nvh264
