// nvh264: the state one frame's stages share — source and reconstruction,
// per-macroblock decisions, slice layout — and neighbour availability.
// Plain data with pointers: the CPU reference fills it with host buffers, the
// CUDA engine with device buffers, and the per-macroblock code reads it the same way.
#pragma once

#include <cstddef>

#include "backends/nvh264/common.h"
#include "backends/nvh264/picture.h"

namespace nvcast::nvh264 {

struct MotionResult {
    Mv mv16;            // best 16x16 vector (quarter samples)
    int cost16 = 0;     // SATD of that vector
    Mv mv8[4];          // best vector per 8x8 quadrant (raster)
    int cost8[4] = {};
    Mv mv16x8[2], mv8x16[2];
    int cost16x8[2] = {}, cost8x16[2] = {};
};

// A macroblock coded with its P_Skip vector (mb_decide.h): whether that left no residual, and the
// reconstruction it made (luma 16x16, then Cb and Cr 8x8).
struct SkipTrial {
    Mv mv;
    uint8_t tried = 0;
    uint8_t skippable = 0;
    uint8_t rec[256 + 2 * 64];
};

struct EncodeTools {
    bool intra4x4 = true;
    bool partitions = true;     // 16x8, 8x16, 8x8 inter partitions
    bool subpel = true;         // half + quarter sample refinement
    int search_range = 16;      // integer samples
    bool deblock = true;
    int slices = 1;
};

// Costs are SATD + lambda x bits; lambda x bits is looked up (integers only, so host and
// device agree exactly). Bit counts at or beyond the table's end cost its last entry.
constexpr int kMaxCostBits = 128;

struct FrameContext {
    int mb_w = 0, mb_h = 0;
    bool p_slice = false;
    int qp = 26;
    int slices = 1;             // runs of whole macroblock rows, 1..mb_h
    EncodeTools tools;
    int lambda_bits[kMaxCostBits] = {};
    PictureView src;
    PictureView rec;            // reconstruction before deblocking
    RefView ref;                // valid when p_slice
    MbInfo* mbs = nullptr;
    MotionResult* motion = nullptr;
    SkipTrial* skip_trials = nullptr;
    const MotionResult* prev_motion = nullptr;  // previous P frame's results; null after an intra frame
    // Intra refresh: macroblock columns [refresh_col0, refresh_col_end) are coded intra.
    int refresh_col0 = 0, refresh_col_end = 0;
    // Gradual decoder refresh: macroblock columns [0, gdr_cols) are already refreshed and may only
    // reference luma columns x < gdr_limit of the reference (which were refreshed, minus the samples
    // deblocking mixed with unrefreshed ones); in column gdr_i4_col Intra 4x4 block (3,0) must not read
    // its top-right samples (they belong to an unrefreshed macroblock).
    int gdr_cols = 0;
    int gdr_limit = 0;
    int gdr_i4_col = -1;

    // Fills lambda_bits for qp (lambda = 0.9 x 2^((QP-12)/6), SATD domain). Host only.
    void set_qp(int new_qp);

    NVCAST_HD int cost_bits(int bits) const { return lambda_bits[bits < kMaxCostBits ? bits : kMaxCostBits - 1]; }

    // Whether a block at luma x of width w in macroblock column mbx may use vector mv.
    NVCAST_HD bool mv_allowed(int mbx, int x, int w, Mv mv) const {
        return mbx >= gdr_cols || x + (mv.x >> 2) + w + 3 <= gdr_limit;
    }
    NVCAST_HD bool forced_intra(int mbx) const { return !p_slice || (mbx >= refresh_col0 && mbx < refresh_col_end); }

    // Slice s starts at row s * mb_h / slices; slice_of_row is its inverse.
    NVCAST_HD int slice_first_row(int s) const { return s * mb_h / slices; }
    NVCAST_HD int slice_of_row(int y) const { return ((y + 1) * slices + mb_h - 1) / mb_h - 1; }

    NVCAST_HD MbInfo& mb(int x, int y) const { return mbs[static_cast<ptrdiff_t>(y) * mb_w + x]; }
    NVCAST_HD SkipTrial& skip_trial(int x, int y) const { return skip_trials[static_cast<ptrdiff_t>(y) * mb_w + x]; }

    // Macroblock (x, y) is available to (cx, cy): inside the picture and in the same slice.
    // Callers only ask for left / top / top-left / top-right neighbours, which every stage
    // order used here (raster, wavefront) has finished.
    NVCAST_HD bool mb_available(int x, int y, int cx, int cy) const {
        if (x < 0 || y < 0 || x >= mb_w || y >= mb_h) return false;
        if (y > cy || (y == cy && x >= cx)) return false;
        return slice_of_row(y) == slice_of_row(cy);
    }

    // 4x4 block at (bx, by) relative to macroblock (mbx, mby), in 4x4 units (-1..4), is
    // available to the block / partition starting at coding index cur_blk of that macroblock.
    NVCAST_HD bool block_available(int mbx, int mby, int bx, int by, int cur_blk) const {
        if (bx >= 0 && bx < 4 && by >= 0 && by < 4) return raster_to_blk(by * 4 + bx) < cur_blk;
        if (by >= 4 || (bx >= 4 && by >= 0)) return false;
        const int nx = mbx + (bx < 0 ? -1 : (bx >= 4 ? 1 : 0)), ny = mby + (by < 0 ? -1 : 0);
        return mb_available(nx, ny, mbx, mby);
    }

    // The MbInfo holding 4x4 block (bx, by) relative to macroblock (mbx, mby) and its raster index there.
    NVCAST_HD const MbInfo& block_owner(int mbx, int mby, int bx, int by, int& raster) const {
        const int nx = mbx + (bx < 0 ? -1 : (bx >= 4 ? 1 : 0)), ny = mby + (by < 0 ? -1 : (by >= 4 ? 1 : 0));
        raster = ((by + 4) & 3) * 4 + ((bx + 4) & 3);
        return mb(nx, ny);
    }
};

}  // namespace nvcast::nvh264
