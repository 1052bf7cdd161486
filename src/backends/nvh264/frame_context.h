// nvh264: the state one frame's stages share — source and reconstruction,
// per-macroblock decisions, slice layout — and neighbour availability.
#pragma once

#include <cstddef>
#include <vector>

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

struct EncodeTools {
    bool intra4x4 = true;
    bool partitions = true;     // 16x8, 8x16, 8x8 inter partitions
    bool subpel = true;         // half + quarter sample refinement
    int search_range = 16;      // integer samples
    bool deblock = true;
    int slices = 1;
};

struct FrameContext {
    int mb_w = 0, mb_h = 0;
    bool p_slice = false;
    int qp = 26;
    double lambda = 1;          // for SATD + lambda * bits
    EncodeTools tools;
    const Picture* src = nullptr;
    Picture* rec = nullptr;     // reconstruction before deblocking
    const RefPicture* ref = nullptr;
    std::vector<MbInfo> mbs;
    std::vector<uint16_t> slice_of_row;  // slices are runs of whole MB rows
    std::vector<int> slice_first_row;
    std::vector<MotionResult> motion;
    std::vector<uint8_t> force_intra;    // per MB (intra refresh)
    // Gradual decoder refresh: macroblock columns [0, gdr_cols) are already refreshed and may only
    // reference luma columns x < gdr_limit of the reference (which were refreshed, minus the samples
    // deblocking mixed with unrefreshed ones); in column gdr_i4_col Intra 4x4 block (3,0) must not read
    // its top-right samples (they belong to an unrefreshed macroblock).
    int gdr_cols = 0;
    int gdr_limit = 0;
    int gdr_i4_col = -1;

    // Whether a block at luma x of width w in macroblock column mbx may use vector mv.
    bool mv_allowed(int mbx, int x, int w, Mv mv) const {
        return mbx >= gdr_cols || x + (mv.x >> 2) + w + 3 <= gdr_limit;
    }

    MbInfo& mb(int x, int y) { return mbs[static_cast<size_t>(y) * mb_w + x]; }
    const MbInfo& mb(int x, int y) const { return mbs[static_cast<size_t>(y) * mb_w + x]; }

    // Macroblock (x, y) is available to (cx, cy): inside the picture and in the same slice.
    // Callers only ask for left / top / top-left / top-right neighbours, which every stage
    // order used here (raster, wavefront) has finished.
    bool mb_available(int x, int y, int cx, int cy) const {
        if (x < 0 || y < 0 || x >= mb_w || y >= mb_h) return false;
        if (y > cy || (y == cy && x >= cx)) return false;
        return slice_of_row[y] == slice_of_row[cy];
    }

    // 4x4 block at (bx, by) relative to macroblock (mbx, mby), in 4x4 units (-1..4), is
    // available to the block / partition starting at coding index cur_blk of that macroblock.
    bool block_available(int mbx, int mby, int bx, int by, int cur_blk) const {
        if (bx >= 0 && bx < 4 && by >= 0 && by < 4) return kRasterToBlk[by * 4 + bx] < cur_blk;
        if (by >= 4 || (bx >= 4 && by >= 0)) return false;
        const int nx = mbx + (bx < 0 ? -1 : (bx >= 4 ? 1 : 0)), ny = mby + (by < 0 ? -1 : 0);
        return mb_available(nx, ny, mbx, mby);
    }

    // The MbInfo holding 4x4 block (bx, by) relative to macroblock (mbx, mby) and its raster index there.
    const MbInfo& block_owner(int mbx, int mby, int bx, int by, int& raster) const {
        const int nx = mbx + (bx < 0 ? -1 : (bx >= 4 ? 1 : 0)), ny = mby + (by < 0 ? -1 : (by >= 4 ? 1 : 0));
        raster = ((by + 4) & 3) * 4 + ((bx + 4) & 3);
        return mb(nx, ny);
    }
};

}  // namespace nvcast::nvh264
