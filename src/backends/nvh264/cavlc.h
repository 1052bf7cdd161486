// nvh264: CAVLC entropy coding (7.3.5, 9.2). Every macroblock is written into
// its own bit chunk — it only reads finished decisions of its neighbours — and
// the chunks of a slice are concatenated afterwards (a prefix sum of lengths on the GPU).
// Writers: anything with put(value, bits) and put_bit(bit) (ChunkWriter on both sides).
#pragma once

#include "backends/nvh264/bit_writer.h"
#include "backends/nvh264/cavlc_tables.h"
#include "backends/nvh264/frame_context.h"

namespace nvcast::nvh264 {


// residual_block_cavlc for coeffLevel[0..max_coeff-1] (scan order).
template <class Writer>
NVCAST_HD_FN void write_residual_block(Writer& bw, const int16_t* coeff, int max_coeff, int nC) {
    int levels[16], runs[16];
    int total = 0, total_zeros = 0;
    int last = max_coeff - 1;
    while (last >= 0 && coeff[last] == 0) --last;
    // Collect levels from the highest frequency down, with the zero run before each.
    for (int i = last; i >= 0;) {
        levels[total] = coeff[i];
        int run = 0;
        --i;
        while (i >= 0 && coeff[i] == 0) {
            ++run;
            --i;
        }
        runs[total] = run;  // zeros between this coefficient and the next lower one
        ++total;
    }
    // total_zeros: zeros below the last non-zero coefficient.
    for (int i = 0; i < last; ++i) total_zeros += coeff[i] == 0;
    int trailing = 0;
    while (trailing < total && trailing < 3 && iabs(levels[trailing]) == 1) ++trailing;

    const Vlc ct = coeff_token(nC, total, trailing);
    bw.put(ct.code, ct.len);
    if (total == 0) return;
    for (int i = 0; i < trailing; ++i) bw.put_bit(levels[i] < 0 ? 1 : 0);

    int suffix_length = (total > 10 && trailing < 3) ? 1 : 0;
    for (int i = trailing; i < total; ++i) {
        const int level = levels[i];
        int level_code = level > 0 ? 2 * level - 2 : -2 * level - 1;
        if (i == trailing && trailing < 3) level_code -= 2;
        if (suffix_length == 0) {
            if (level_code < 14) {
                bw.put(1, level_code + 1);  // level_prefix zeros then a one
            } else if (level_code < 30) {
                bw.put(1, 15);
                bw.put(static_cast<uint32_t>(level_code - 14), 4);
            } else {
                bw.put(1, 16);
                bw.put(static_cast<uint32_t>(level_code - 30), 12);
            }
        } else {
            const int prefix = level_code >> suffix_length;
            if (prefix < 15) {
                bw.put(1, prefix + 1);
                bw.put(static_cast<uint32_t>(level_code & ((1 << suffix_length) - 1)), suffix_length);
            } else {
                bw.put(1, 16);
                bw.put(static_cast<uint32_t>(level_code - (15 << suffix_length)), 12);
            }
        }
        if (suffix_length == 0) suffix_length = 1;
        if (iabs(level) > (3 << (suffix_length - 1)) && suffix_length < 6) ++suffix_length;
    }
    if (total < max_coeff) {
        const Vlc tz = max_coeff == 4 ? cavlc_tables().total_zeros_chroma_dc[total][total_zeros] : cavlc_tables().total_zeros[total][total_zeros];
        bw.put(tz.code, tz.len);
    }
    int zeros_left = total_zeros;
    for (int i = 0; i < total - 1 && zeros_left > 0; ++i) {
        const Vlc rb = cavlc_tables().run_before[zeros_left > 6 ? 7 : zeros_left][runs[i]];
        bw.put(rb.code, rb.len);
        zeros_left -= runs[i];
    }
}

namespace cavlc_detail {

// nC for luma block (bx, by) (raster within the macroblock), from the total_coeff of A and B.
NVCAST_HD_FN int luma_nc(const FrameContext& f, int mbx, int mby, int bx, int by) {
    int count = 0, sum = 0;
    auto take = [&](int nbx, int nby) {
        if (nbx >= 0 && nby >= 0) {
            sum += f.mb(mbx, mby).nnz[nby * 4 + nbx];
            ++count;
            return;
        }
        const int mx = mbx + (nbx < 0 ? -1 : 0), my = mby + (nby < 0 ? -1 : 0);
        if (!f.mb_available(mx, my, mbx, mby)) return;
        sum += f.mb(mx, my).nnz[((nby + 4) & 3) * 4 + ((nbx + 4) & 3)];
        ++count;
    };
    take(bx - 1, by);
    take(bx, by - 1);
    return count == 2 ? (sum + 1) >> 1 : sum;
}

NVCAST_HD_FN int chroma_nc(const FrameContext& f, int mbx, int mby, int c, int bx, int by) {
    int count = 0, sum = 0;
    auto take = [&](int nbx, int nby) {
        if (nbx >= 0 && nby >= 0) {
            sum += f.mb(mbx, mby).nnz_c[c][nby * 2 + nbx];
            ++count;
            return;
        }
        const int mx = mbx + (nbx < 0 ? -1 : 0), my = mby + (nby < 0 ? -1 : 0);
        if (!f.mb_available(mx, my, mbx, mby)) return;
        sum += f.mb(mx, my).nnz_c[c][((nby + 2) & 1) * 2 + ((nbx + 2) & 1)];
        ++count;
    };
    take(bx - 1, by);
    take(bx, by - 1);
    return count == 2 ? (sum + 1) >> 1 : sum;
}

NVCAST_HD_FN int mb_type_code(const MbInfo& mb, bool p_slice) {
    int t = 0;
    switch (mb.type) {
        case kMbP16x16: return 0;
        case kMbP16x8: return 1;
        case kMbP8x16: return 2;
        case kMbP8x8: return 3;
        case kMbI4x4: t = 0; break;
        default: {
            const int cbp_chroma = mb.cbp >> 4, ac = (mb.cbp & 15) ? 1 : 0;
            t = 1 + mb.i16_mode + 4 * cbp_chroma + 12 * ac;
            break;
        }
    }
    return p_slice ? t + 5 : t;
}

}  // namespace cavlc_detail

using namespace cavlc_detail;

// mb_skip_run (P slices, when skip_run >= 0) followed by macroblock_layer() of a non-skipped macroblock.
template <class Writer>
NVCAST_HD_FN void write_macroblock(Writer& bw, const FrameContext& f, int mbx, int mby, int skip_run) {
    const MbInfo& mb = f.mb(mbx, mby);
    if (skip_run >= 0) put_ue(bw, static_cast<uint32_t>(skip_run));
    put_ue(bw, static_cast<uint32_t>(mb_type_code(mb, f.p_slice)));
    if (mb.type == kMbI4x4) {
        for (int blk = 0; blk < 16; ++blk) {
            const int r = blk_to_raster(blk);
            const int bx = r & 3, by = r >> 2;
            auto mode_of = [&](int nbx, int nby) -> int {
                if (nbx >= 0 && nby >= 0) return mb.i4_mode[nby * 4 + nbx];
                const int mx = mbx + (nbx < 0 ? -1 : 0), my = mby + (nby < 0 ? -1 : 0);
                if (!f.mb_available(mx, my, mbx, mby)) return -1;
                const MbInfo& m = f.mb(mx, my);
                return m.type == kMbI4x4 ? m.i4_mode[((nby + 4) & 3) * 4 + ((nbx + 4) & 3)] : 2;
            };
            const int a = mode_of(bx - 1, by);
            const int b = mode_of(bx, by - 1);
            const int pred = (a < 0 || b < 0) ? 2 : imin(a, b);
            const int mode = mb.i4_mode[r];
            if (mode == pred) {
                bw.put_bit(1);
            } else {
                bw.put_bit(0);
                bw.put(static_cast<uint32_t>(mode < pred ? mode : mode - 1), 3);
            }
        }
    }
    if (is_intra(mb.type)) {
        put_ue(bw, mb.chroma_mode);
    } else if (mb.type == kMbP8x8) {
        for (int i = 0; i < 4; ++i) put_ue(bw, 0);  // sub_mb_type P_L0_8x8
        for (int i = 0; i < 4; ++i) {
            put_se(bw, mb.mvd[i].x);
            put_se(bw, mb.mvd[i].y);
        }
    } else {
        const int parts = mb.type == kMbP16x16 ? 1 : 2;
        for (int i = 0; i < parts; ++i) {
            put_se(bw, mb.mvd[i].x);
            put_se(bw, mb.mvd[i].y);
        }
    }
    if (mb.type != kMbI16x16) put_ue(bw, cavlc_tables().cbp_to_code_num.t[mb.type == kMbI4x4 ? 0 : 1][mb.cbp]);
    const bool i16 = mb.type == kMbI16x16;
    if (!i16 && mb.cbp == 0) return;
    put_se(bw, 0);  // mb_qp_delta: one QP per frame
    if (i16) write_residual_block(bw, mb.luma_dc, 16, luma_nc(f, mbx, mby, 0, 0));
    for (int q = 0; q < 4; ++q) {
        if (!(mb.cbp & (1 << q))) continue;
        for (int k = 0; k < 4; ++k) {
            const int blk = q * 4 + k, r = blk_to_raster(blk);
            const int nc = luma_nc(f, mbx, mby, r & 3, r >> 2);
            if (i16) write_residual_block(bw, mb.luma[r] + 1, 15, nc);
            else write_residual_block(bw, mb.luma[r], 16, nc);
        }
    }
    const int cbp_chroma = mb.cbp >> 4;
    if (cbp_chroma) {
        for (int c = 0; c < 2; ++c) write_residual_block(bw, mb.chroma_dc[c], 4, -1);
    }
    if (cbp_chroma == 2) {
        for (int c = 0; c < 2; ++c)
            for (int b = 0; b < 4; ++b)
                write_residual_block(bw, mb.chroma_ac[c][b] + 1, 15, chroma_nc(f, mbx, mby, c, b & 1, b >> 1));
    }
}

}  // namespace nvcast::nvh264
