// The conversion kernels' fast path: the same 8x2 tile per thread and the same float operations
// per sample as convert_tile (convert_tile.h), for frames where no tile is clipped and every
// plane is 16-byte aligned (fast_convert_applies). What differs is only how samples move:
// - each run of a row is one or two vector loads/stores (row_words.cuh), no per-byte paths;
// - code values become floats and back without conversion instructions (exact_codes.cuh);
// - the 4:2:0 chroma window loads its middle four columns as one vector, only the two edge
//   columns one by one;
// - no tone mapping (that stays on convert_tile), so the kernel holds fewer registers.
#pragma once

#include <cuda_runtime.h>

#include "gpu/convert_tile.h"
#include "gpu/exact_codes.cuh"
#include "gpu/row_words.cuh"

namespace nvcast::gpu {

// Whether the fast path may run: same size, no tone mapping, whole tiles, every plane pointer
// and pitch a multiple of 16 bytes (so each run's vector access is aligned: runs start at
// multiples of their own size, and the width being a multiple of 8 makes 4:2:0 chroma runs whole).
inline bool fast_convert_applies(const PlaneSet& s, const PlaneSet& d, const ConvertParams& p) {
    if (p.tonemap || s.width != d.width || s.height != d.height) return false;
    if (d.width % kTileW != 0 || d.height % kTileH != 0) return false;
    for (const PlaneSet* f : {&s, &d}) {
        const Layout l = layout_of(f->format);
        const int planes = l.packed ? 1 : (l.semi_planar ? 2 : 3);
        for (int i = 0; i < planes; ++i)
            if (reinterpret_cast<uintptr_t>(f->data[i]) % 16 != 0 || f->pitch[i] % 16 != 0) return false;
    }
    return true;
}

// Normalised Cb, Cr of the four chroma columns cx0..cx0+3 of chroma row cy (4:2:0 source).
template <int SF>
__device__ __forceinline__ void load_chroma_run(const PlaneSet& s, const ConvertParams& p, int cx0, int cy,
                                                float (&cb)[kTileW / 2], float (&cr)[kTileW / 2]) {
    constexpr Layout l = layout_of(static_cast<PixelFormat>(SF));
    constexpr int kRun = kTileW / 2 * l.bytes;  // bytes of four samples of one component
    if constexpr (l.semi_planar) {
        uint32_t w[2 * kRun / 4];
        load_words<2 * kRun>(s.data[1] + static_cast<size_t>(cy) * s.pitch[1] + 2 * cx0 * l.bytes, w);
#pragma unroll
        for (int j = 0; j < kTileW / 2; ++j) {
            cb[j] = exact_normalize(word_sample(w, 2 * j, l), p.src_offset[1], p.src_scale[1]);
            cr[j] = exact_normalize(word_sample(w, 2 * j + 1, l), p.src_offset[2], p.src_scale[2]);
        }
    } else {
        uint32_t u[kRun / 4], v[kRun / 4];
        load_words<kRun>(s.data[1] + static_cast<size_t>(cy) * s.pitch[1] + cx0 * l.bytes, u);
        load_words<kRun>(s.data[2] + static_cast<size_t>(cy) * s.pitch[2] + cx0 * l.bytes, v);
#pragma unroll
        for (int j = 0; j < kTileW / 2; ++j) {
            cb[j] = exact_normalize(word_sample(u, j, l), p.src_offset[1], p.src_scale[1]);
            cr[j] = exact_normalize(word_sample(v, j, l), p.src_offset[2], p.src_scale[2]);
        }
    }
}

// Cb, Cr codes at chroma position (cx, cy), as read_chroma gives them; a semi-planar pair is one load.
template <int SF>
__device__ __forceinline__ void load_chroma_unit(const PlaneSet& s, int cx, int cy, uint32_t& cb, uint32_t& cr) {
    constexpr Layout l = layout_of(static_cast<PixelFormat>(SF));
    if constexpr (l.semi_planar) {
        const uint8_t* unit = s.data[1] + static_cast<size_t>(cy) * s.pitch[1] + 2 * cx * l.bytes;
        uint32_t w[1];
        if constexpr (l.bytes == 1)
            w[0] = __ldg(reinterpret_cast<const unsigned short*>(unit));
        else
            w[0] = __ldg(reinterpret_cast<const unsigned int*>(unit));
        cb = word_sample(w, 0, l);
        cr = word_sample(w, 1, l);
    } else {
        int b, r;
        read_chroma(s, l, cx, cy, b, r);
        cb = static_cast<uint32_t>(b);
        cr = static_cast<uint32_t>(r);
    }
}

template <int SF>
__device__ __forceinline__ void load_tile_fast(const PlaneSet& s, const ConvertParams& p, int x0, int y0,
                                               float (&c)[kTileH][kTileW][3]) {
    constexpr Layout l = layout_of(static_cast<PixelFormat>(SF));
    constexpr int kRun = kTileW * l.bytes;  // bytes of one tile row in plane 0 (and 4:4:4 chroma)
#pragma unroll
    for (int r = 0; r < kTileH; ++r) {
        const size_t y = static_cast<size_t>(y0 + r);
        uint32_t w[kRun / 4];
        load_words<kRun>(s.data[0] + y * s.pitch[0] + x0 * l.bytes, w);
#pragma unroll
        for (int i = 0; i < kTileW; ++i) {
            if constexpr (l.packed) {
                uint32_t rgb[3];
                word_rgb<SF>(w, i, rgb);
#pragma unroll
                for (int k = 0; k < 3; ++k) c[r][i][k] = exact_normalize(rgb[k], p.src_offset[k], p.src_scale[k]);
            } else {
                c[r][i][0] = exact_normalize(word_sample(w, i, l), p.src_offset[0], p.src_scale[0]);
            }
        }
        if constexpr (!l.packed && l.shift_x == 0) {  // 4:4:4 (always planar)
            uint32_t u[kRun / 4], v[kRun / 4];
            load_words<kRun>(s.data[1] + y * s.pitch[1] + x0 * l.bytes, u);
            load_words<kRun>(s.data[2] + y * s.pitch[2] + x0 * l.bytes, v);
#pragma unroll
            for (int i = 0; i < kTileW; ++i) {
                c[r][i][1] = exact_normalize(word_sample(u, i, l), p.src_offset[1], p.src_scale[1]);
                c[r][i][2] = exact_normalize(word_sample(v, i, l), p.src_offset[2], p.src_scale[2]);
            }
        }
    }
    if constexpr (!l.packed && l.shift_x != 0) {  // 4:2:0
        const int cx0 = x0 >> 1, cy0 = y0 >> 1;
        if (p.block_chroma) {  // each 2x2 block keeps its own chroma sample
            float cb[kTileW / 2], cr[kTileW / 2];
            load_chroma_run<SF>(s, p, cx0, cy0, cb, cr);
#pragma unroll
            for (int j = 0; j < kTileW / 2; ++j)
#pragma unroll
                for (int r = 0; r < kTileH; ++r)
#pragma unroll
                    for (int k = 0; k < 2; ++k) {
                        c[r][2 * j + k][1] = cb[j];
                        c[r][2 * j + k][2] = cr[j];
                    }
            return;
        }
        const int cw = s.width >> 1, ch = s.height >> 1;
        ChromaWindow win;
#pragma unroll
        for (int jr = 0; jr < 3; ++jr) {
            const int cy = clamp_to(cy0 - 1 + jr, 0, ch - 1);
            float cb[kTileW / 2], cr[kTileW / 2];
            load_chroma_run<SF>(s, p, cx0, cy, cb, cr);
#pragma unroll
            for (int j = 0; j < kTileW / 2; ++j) {
                win[jr][j + 1][0] = cb[j];
                win[jr][j + 1][1] = cr[j];
            }
            // the columns either side, replicated at the frame's edges
#pragma unroll
            for (int side = 0; side < 2; ++side) {
                const int jc = side == 0 ? 0 : kTileW / 2 + 1;
                const int cx = side == 0 ? (cx0 > 0 ? cx0 - 1 : 0) : (cx0 + kTileW / 2 < cw ? cx0 + kTileW / 2 : cw - 1);
                uint32_t b, rr;
                load_chroma_unit<SF>(s, cx, cy, b, rr);
                win[jr][jc][0] = exact_normalize(b, p.src_offset[1], p.src_scale[1]);
                win[jr][jc][1] = exact_normalize(rr, p.src_offset[2], p.src_scale[2]);
            }
        }
        upsample_chroma(win, c);
    }
}

template <int DF>
__device__ __forceinline__ void store_tile_fast(const PlaneSet& d, const ConvertParams& p, int x0, int y0,
                                                const float (&rgb)[kTileH][kTileW][3]) {
    constexpr Layout l = layout_of(static_cast<PixelFormat>(DF));
    constexpr int kRun = kTileW * l.bytes;
    const float max_f = static_cast<float>(p.dst_max);
#pragma unroll
    for (int r = 0; r < kTileH; ++r) {
        uint32_t w[kRun / 4] = {}, u[kRun / 4] = {}, v[kRun / 4] = {};
#pragma unroll
        for (int i = 0; i < kTileW; ++i) {
            const float(&c)[3] = rgb[r][i];
            if constexpr (l.packed) {
                uint32_t codes[3];
#pragma unroll
                for (int k = 0; k < 3; ++k) codes[k] = exact_quantize(c[k], p.dst_scale[k], p.dst_offset[k], max_f);
                put_word_rgb<DF>(w, i, codes);
            } else {
                const float yn = p.dst_matrix[0] * c[0] + p.dst_matrix[1] * c[1] + p.dst_matrix[2] * c[2];
                put_word_sample(w, i, l, exact_quantize(yn, p.dst_scale[0], p.dst_offset[0], max_f));
                if constexpr (l.shift_x == 0) {
                    float yuv[3];
                    mat3_mul(p.dst_matrix, c, yuv);
                    put_word_sample(u, i, l, exact_quantize(yuv[1], p.dst_scale[1], p.dst_offset[1], max_f));
                    put_word_sample(v, i, l, exact_quantize(yuv[2], p.dst_scale[2], p.dst_offset[2], max_f));
                }
            }
        }
        const size_t y = static_cast<size_t>(y0 + r);
        store_words<kRun>(d.data[0] + y * d.pitch[0] + x0 * l.bytes, w);
        if constexpr (!l.packed && l.shift_x == 0) {
            store_words<kRun>(d.data[1] + y * d.pitch[1] + x0 * l.bytes, u);
            store_words<kRun>(d.data[2] + y * d.pitch[2] + x0 * l.bytes, v);
        }
    }
    if constexpr (!l.packed && l.shift_x != 0) {  // 4:2:0: one chroma sample per 2x2 block
        constexpr int kHalf = kTileW / 2 * l.bytes;  // bytes of the tile's run in one chroma plane
        uint32_t cw[2 * kHalf / 4] = {}, u[kHalf / 4] = {}, v[kHalf / 4] = {};
#pragma unroll
        for (int j = 0; j < kTileW / 2; ++j) {
            float avg[3];
            block_mean(rgb, j, avg);
            float yuv[3];
            mat3_mul(p.dst_matrix, avg, yuv);
            const uint32_t cb = exact_quantize(yuv[1], p.dst_scale[1], p.dst_offset[1], max_f);
            const uint32_t cr = exact_quantize(yuv[2], p.dst_scale[2], p.dst_offset[2], max_f);
            if constexpr (l.semi_planar) {
                put_word_sample(cw, 2 * j, l, cb);
                put_word_sample(cw, 2 * j + 1, l, cr);
            } else {
                put_word_sample(u, j, l, cb);
                put_word_sample(v, j, l, cr);
            }
        }
        const size_t cy = static_cast<size_t>(y0 >> 1);
        const int cx0 = x0 >> 1;
        if constexpr (l.semi_planar) {
            store_words<2 * kHalf>(d.data[1] + cy * d.pitch[1] + 2 * cx0 * l.bytes, cw);
        } else {
            store_words<kHalf>(d.data[1] + cy * d.pitch[1] + cx0 * l.bytes, u);
            store_words<kHalf>(d.data[2] + cy * d.pitch[2] + cx0 * l.bytes, v);
        }
    }
}

// One whole tile per thread; the grid is the same as convert_kernel's.
template <int SF, int DF>
__global__ void __launch_bounds__(256, 4)
    convert_fast_kernel(PlaneSet src, PlaneSet dst, ConvertParams params, int tiles_x, int tiles_y) {
    const int tx = blockIdx.x * blockDim.x + threadIdx.x;
    const int ty = blockIdx.y * blockDim.y + threadIdx.y;
    if (tx >= tiles_x || ty >= tiles_y) return;
    const int x0 = tx * kTileW, y0 = ty * kTileH;
    float c[kTileH][kTileW][3];
    load_tile_fast<SF>(src, params, x0, y0, c);
    if (params.src_yuv) {  // as convert_tile (no tone mapping here)
#pragma unroll
        for (int r = 0; r < kTileH; ++r)
#pragma unroll
            for (int i = 0; i < kTileW; ++i) {
                const float yuv[3] = {c[r][i][0], c[r][i][1], c[r][i][2]};
                mat3_mul(params.src_matrix, yuv, c[r][i]);
            }
    }
    store_tile_fast<DF>(dst, params, x0, y0, c);
}

}  // namespace nvcast::gpu
