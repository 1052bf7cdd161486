// Colour conversion (and HDR -> SDR tone mapping) of one 8x2-pixel tile.
// The CUDA kernel runs one tile per thread; the C++ reference loops over tiles.
#pragma once

#include "gpu/color_math.h"
#include "gpu/pixel_access.h"
#include "gpu/tone_lut.h"

namespace nvcast::gpu {

constexpr int kTileW = 8;
constexpr int kTileH = 2;

enum : int { kTransferPq = 16, kTransferHlg = 18 };

struct ConvertParams {
    PixelFormat src_format = PixelFormat::I420;
    PixelFormat dst_format = PixelFormat::I420;
    bool src_yuv = true;
    bool dst_yuv = true;
    bool block_chroma = false;  // source and destination both 4:2:0: keep chroma on its grid
    // source code -> normalised: (code - offset) * scale; then matrix -> R'G'B'
    float src_offset[3] = {0, 0, 0};
    float src_scale[3] = {1, 1, 1};
    float src_matrix[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    // R'G'B' -> normalised destination components; code = n * scale + offset
    float dst_matrix[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    float dst_scale[3] = {1, 1, 1};
    float dst_offset[3] = {0, 0, 0};
    int dst_max = 255;
    // HDR -> SDR
    bool tonemap = false;
    int transfer = kTransferPq;
    float hlg_peak = 1000.0f;          // Lw, cd/m^2
    float hlg_gamma_minus_1 = 0.2f;    // system gamma - 1
    float gamut[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};  // linear BT.2020 -> BT.709, pre-divided by the target peak
    ToneParams tone;
    // Kernels: lookup tables for the transfer functions (tone_lut.h). Empty in the C++ reference,
    // which then computes every function exactly.
    ToneLuts luts;
};

// Linearise R'G'B' (BT.2020 PQ or HLG) to display light, map the gamut, tone map and re-encode for a
// BT.1886 (gamma 2.4) SDR display. The *_lut functions interpolate p.luts where they are filled
// (kernels) and are the exact functions where they are empty (reference).
NVCAST_HD void tonemap_pixel(const ConvertParams& p, float (&rgb)[3]) {
    float lin[3];
    if (p.transfer == kTransferHlg) {
        float e[3];
        NVCAST_UNROLL
        for (int i = 0; i < 3; ++i) e[i] = hlg_inverse_oetf(rgb[i]);
        const float ys = 0.2627f * e[0] + 0.6780f * e[1] + 0.0593f * e[2];
        const float gain = ys > 0.0f ? p.hlg_peak * hlg_ootf_power_lut(p.luts.hlg_ootf, ys, p.hlg_gamma_minus_1) : 0.0f;
        NVCAST_UNROLL
        for (int i = 0; i < 3; ++i) lin[i] = gain * e[i];
    } else {
        NVCAST_UNROLL
        for (int i = 0; i < 3; ++i) lin[i] = pq_eotf_lut(p.luts.pq_eotf, rgb[i]);
    }
    float out[3];
    mat3_mul(p.gamut, lin, out);  // BT.709 linear, 1.0 = target peak
    const float m = fmaxf(fmaxf(out[0], out[1]), out[2]);
    if (m > 1e-12f) {
        const float gain = tone_curve_lut(p.luts.curve, p.tone, m) / m;
        NVCAST_UNROLL
        for (int i = 0; i < 3; ++i) out[i] *= gain;
    }
    NVCAST_UNROLL
    for (int i = 0; i < 3; ++i) rgb[i] = bt1886_inverse_eotf_lut(p.luts.display, out[i]);
}

// Bilinear upsampling of a tile's chroma, sited at the centre of each 2x2 luma block: luma x=2k
// sits at chroma k-1/4 (3/4 of k, 1/4 of k-1), x=2k+1 at k+1/4 (3/4 of k, 1/4 of k+1); rows alike.
// `win` holds normalised Cb,Cr of chroma rows cy0-1..cy0+1 and columns cx0-1..cx0+4 (edges
// replicated). Shared by the reference tile and the kernels' fast path, so both round alike.
using ChromaWindow = float[3][kTileW / 2 + 2][2];
NVCAST_HD void upsample_chroma(const ChromaWindow& win, float (&c)[kTileH][kTileW][3]) {
    NVCAST_UNROLL
    for (int r = 0; r < kTileH; ++r) {
        const int ro = r == 0 ? 0 : 2;  // the neighbouring chroma row: above for even rows, below for odd
        NVCAST_UNROLL
        for (int i = 0; i < kTileW; ++i) {
            const int k = i >> 1;
            const int co = (i & 1) ? k + 2 : k;  // neighbouring column index in win
            NVCAST_UNROLL
            for (int q = 0; q < 2; ++q) {
                const float near_row = 0.75f * win[1][k + 1][q] + 0.25f * win[1][co][q];
                const float far_row = 0.75f * win[ro][k + 1][q] + 0.25f * win[ro][co][q];
                c[r][i][1 + q] = 0.75f * near_row + 0.25f * far_row;
            }
        }
    }
}

// Reads the tile's pixels as normalised source components (Y'CbCr or R'G'B'); edges replicate.
// `sf` is the source format (a compile-time constant in the kernels, so the layout folds away).
// Rows are gathered into local buffers with the widest aligned loads, then decoded.
NVCAST_HD void load_tile(const PlaneSet& s, PixelFormat sf, const ConvertParams& p, int x0, int y0,
                         float (&c)[kTileH][kTileW][3]) {
    const Layout l = layout_of(sf);
    NVCAST_UNROLL
    for (int r = 0; r < kTileH; ++r) {
        const int y = y0 + r < s.height ? y0 + r : s.height - 1;
        alignas(16) uint8_t buf[kTileW * 4];
        gather_row(buf, s.data[0] + static_cast<size_t>(y) * s.pitch[0], x0, kTileW, l.bytes, s.width);
        NVCAST_UNROLL
        for (int i = 0; i < kTileW; ++i) {
            if (l.packed) {
                int rgb[3];
                read_rgb(buf + i * l.bytes, sf, rgb);
                NVCAST_UNROLL
                for (int k = 0; k < 3; ++k) c[r][i][k] = normalize_code(rgb[k], p.src_offset[k], p.src_scale[k]);
            } else {
                c[r][i][0] = normalize_code(read_sample(buf, i, l), p.src_offset[0], p.src_scale[0]);
            }
        }
    }
    if (l.packed) return;
    if (l.shift_x == 0) {  // 4:4:4 (always planar)
        NVCAST_UNROLL
        for (int r = 0; r < kTileH; ++r) {
            const int y = y0 + r < s.height ? y0 + r : s.height - 1;
            alignas(16) uint8_t ub[kTileW * 2], vb[kTileW * 2];
            gather_row(ub, s.data[1] + static_cast<size_t>(y) * s.pitch[1], x0, kTileW, l.bytes, s.width);
            gather_row(vb, s.data[2] + static_cast<size_t>(y) * s.pitch[2], x0, kTileW, l.bytes, s.width);
            NVCAST_UNROLL
            for (int i = 0; i < kTileW; ++i) {
                c[r][i][1] = normalize_code(read_sample(ub, i, l), p.src_offset[1], p.src_scale[1]);
                c[r][i][2] = normalize_code(read_sample(vb, i, l), p.src_offset[2], p.src_scale[2]);
            }
        }
        return;
    }
    // 4:2:0 (tiles start on even rows and columns; sizes are even)
    const int cw = s.width >> 1, ch = s.height >> 1;
    const int cx0 = x0 >> 1, cy0 = y0 >> 1;
    if (p.block_chroma) {
        int cb[kTileW / 2], cr[kTileW / 2];
        if (l.semi_planar) {
            alignas(16) uint8_t buf[kTileW * 2];
            gather_row(buf, s.data[1] + static_cast<size_t>(cy0) * s.pitch[1], cx0, kTileW / 2, 2 * l.bytes, cw);
            NVCAST_UNROLL
            for (int j = 0; j < kTileW / 2; ++j) {
                cb[j] = read_sample(buf, 2 * j, l);
                cr[j] = read_sample(buf, 2 * j + 1, l);
            }
        } else {
            alignas(16) uint8_t ub[kTileW], vb[kTileW];
            gather_row(ub, s.data[1] + static_cast<size_t>(cy0) * s.pitch[1], cx0, kTileW / 2, l.bytes, cw);
            gather_row(vb, s.data[2] + static_cast<size_t>(cy0) * s.pitch[2], cx0, kTileW / 2, l.bytes, cw);
            NVCAST_UNROLL
            for (int j = 0; j < kTileW / 2; ++j) {
                cb[j] = read_sample(ub, j, l);
                cr[j] = read_sample(vb, j, l);
            }
        }
        NVCAST_UNROLL
        for (int j = 0; j < kTileW / 2; ++j) {
            const float fb = normalize_code(cb[j], p.src_offset[1], p.src_scale[1]);
            const float fr = normalize_code(cr[j], p.src_offset[2], p.src_scale[2]);
            NVCAST_UNROLL
            for (int r = 0; r < kTileH; ++r)
                NVCAST_UNROLL
                for (int k = 0; k < 2; ++k) {
                    c[r][2 * j + k][1] = fb;
                    c[r][2 * j + k][2] = fr;
                }
        }
        return;
    }
    // Bilinear upsampling (upsample_chroma) from the window around the tile.
    ChromaWindow win;  // chroma rows cy0-1..cy0+1, columns cx0-1..cx0+4
    NVCAST_UNROLL
    for (int jr = 0; jr < 3; ++jr) {
        const int cy = clamp_to(cy0 - 1 + jr, 0, ch - 1);
        NVCAST_UNROLL
        for (int jc = 0; jc < kTileW / 2 + 2; ++jc) {
            const int cx = clamp_to(cx0 - 1 + jc, 0, cw - 1);
            int cb, cr;
            read_chroma(s, l, cx, cy, cb, cr);
            win[jr][jc][0] = normalize_code(cb, p.src_offset[1], p.src_scale[1]);
            win[jr][jc][1] = normalize_code(cr, p.src_offset[2], p.src_scale[2]);
        }
    }
    upsample_chroma(win, c);
}

// Mean R'G'B' of the tile's 2x2 block j (the source of one 4:2:0 chroma sample).
NVCAST_HD void block_mean(const float (&rgb)[kTileH][kTileW][3], int j, float (&avg)[3]) {
    NVCAST_UNROLL
    for (int k = 0; k < 3; ++k)
        avg[k] = ((rgb[0][2 * j][k] + rgb[0][2 * j + 1][k]) + (rgb[1][2 * j][k] + rgb[1][2 * j + 1][k])) * 0.25f;
}

// Writes the tile from R'G'B' values, converting to the destination components. Rows are
// encoded into local buffers and written with the widest aligned stores.
NVCAST_HD void store_tile(const PlaneSet& d, PixelFormat df, const ConvertParams& p, int x0, int y0,
                          const float (&rgb)[kTileH][kTileW][3]) {
    const Layout l = layout_of(df);
    NVCAST_UNROLL
    for (int r = 0; r < kTileH; ++r) {
        if (y0 + r >= d.height) break;
        alignas(16) uint8_t buf[kTileW * 4];
        alignas(16) uint8_t ub[kTileW * 2], vb[kTileW * 2];
        NVCAST_UNROLL
        for (int i = 0; i < kTileW; ++i) {
            const float(&v)[3] = rgb[r][i];
            if (l.packed) {
                int codes[3];
                NVCAST_UNROLL
                for (int k = 0; k < 3; ++k) codes[k] = quantize(v[k], p.dst_scale[k], p.dst_offset[k], p.dst_max);
                write_rgb(buf + i * l.bytes, df, codes);
                continue;
            }
            const float yn = p.dst_matrix[0] * v[0] + p.dst_matrix[1] * v[1] + p.dst_matrix[2] * v[2];
            write_sample(buf, i, l, quantize(yn, p.dst_scale[0], p.dst_offset[0], p.dst_max));
            if (l.shift_x == 0) {
                float yuv[3];
                mat3_mul(p.dst_matrix, v, yuv);
                write_sample(ub, i, l, quantize(yuv[1], p.dst_scale[1], p.dst_offset[1], p.dst_max));
                write_sample(vb, i, l, quantize(yuv[2], p.dst_scale[2], p.dst_offset[2], p.dst_max));
            }
        }
        const size_t y = static_cast<size_t>(y0 + r);
        scatter_row(d.data[0] + y * d.pitch[0], buf, x0, kTileW, l.bytes, d.width);
        if (!l.packed && l.shift_x == 0) {
            scatter_row(d.data[1] + y * d.pitch[1], ub, x0, kTileW, l.bytes, d.width);
            scatter_row(d.data[2] + y * d.pitch[2], vb, x0, kTileW, l.bytes, d.width);
        }
    }
    if (l.packed || l.shift_x == 0) return;
    alignas(16) uint8_t cbuf[kTileW * 2];
    alignas(16) uint8_t ub[kTileW], vb[kTileW];
    NVCAST_UNROLL
    for (int j = 0; j < kTileW / 2; ++j) {
        float avg[3];
        block_mean(rgb, j, avg);
        float yuv[3];
        mat3_mul(p.dst_matrix, avg, yuv);
        const int cb = quantize(yuv[1], p.dst_scale[1], p.dst_offset[1], p.dst_max);
        const int cr = quantize(yuv[2], p.dst_scale[2], p.dst_offset[2], p.dst_max);
        if (l.semi_planar) {
            write_sample(cbuf, 2 * j, l, cb);
            write_sample(cbuf, 2 * j + 1, l, cr);
        } else {
            write_sample(ub, j, l, cb);
            write_sample(vb, j, l, cr);
        }
    }
    const size_t cy = static_cast<size_t>(y0 >> 1);
    const int cx0 = x0 >> 1, cw = d.width >> 1;
    if (l.semi_planar) {
        scatter_row(d.data[1] + cy * d.pitch[1], cbuf, cx0, kTileW / 2, 2 * l.bytes, cw);
    } else {
        scatter_row(d.data[1] + cy * d.pitch[1], ub, cx0, kTileW / 2, l.bytes, cw);
        scatter_row(d.data[2] + cy * d.pitch[2], vb, cx0, kTileW / 2, l.bytes, cw);
    }
}

// The per-pixel step between load_tile and store_tile: source components -> R'G'B', tone mapped
// where asked. Shared with the fused tone-map-and-scale kernel (tone_scale.h).
NVCAST_HD void transform_tile(const ConvertParams& p, float (&c)[kTileH][kTileW][3]) {
    NVCAST_UNROLL
    for (int r = 0; r < kTileH; ++r)
        NVCAST_UNROLL
        for (int i = 0; i < kTileW; ++i) {
            if (p.src_yuv) {
                const float yuv[3] = {c[r][i][0], c[r][i][1], c[r][i][2]};
                mat3_mul(p.src_matrix, yuv, c[r][i]);
            }
            if (p.tonemap) tonemap_pixel(p, c[r][i]);
        }
}

// One tile, source and destination formats given at run time (C++ reference) or as template
// constants (kernels: SF/DF >= 0 are PixelFormat values).
template <int SF = -1, int DF = -1>
NVCAST_HD void convert_tile(const PlaneSet& s, const PlaneSet& d, const ConvertParams& p, int tx, int ty) {
    const PixelFormat sf = SF >= 0 ? static_cast<PixelFormat>(SF) : s.format;
    const PixelFormat df = DF >= 0 ? static_cast<PixelFormat>(DF) : d.format;
    const int x0 = tx * kTileW, y0 = ty * kTileH;
    float c[kTileH][kTileW][3];
    load_tile(s, sf, p, x0, y0, c);
    transform_tile(p, c);
    store_tile(d, df, p, x0, y0, c);
}

}  // namespace nvcast::gpu
