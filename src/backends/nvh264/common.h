// nvh264: shared types and small arithmetic, compiled for both host and device from this one
// source (NVCAST_HD, core/host_device.h) so the CUDA port computes what the CPU reference does.
#pragma once

#include <cstdint>

#include "core/host_device.h"

namespace nvcast::nvh264 {

// The lanes of a warp that share one block's work (lane `lane` of `count`, a power of two up to 32,
// an aligned segment `mask` of the warp): each sums its share of samples and sum() adds the shares
// (a butterfly, so every lane gets the total). All lanes of the segment call sum() together.
// On the host there is one lane.
struct Lanes {
    int lane = 0;
    int count = 1;
    unsigned mask = 1;
    NVCAST_HD int sum(int v) const {
#if defined(__CUDA_ARCH__)
        for (int o = count >> 1; o > 0; o >>= 1) v += __shfl_xor_sync(mask, v, o);
#endif
        return v;
    }
    // The sum of cost(x, y) over the 4x4 blocks of a w x h area, block k on lane k % count.
    template <class BlockCost>
    NVCAST_HD int sum_4x4_blocks(int w, int h, BlockCost cost) const {
        const int blocks_w = w / 4;
        int s = 0;
        for (int k = lane; k < blocks_w * (h / 4); k += count) s += cost((k % blocks_w) * 4, (k / blocks_w) * 4);
        return sum(s);
    }
};

NVCAST_HD int clip3(int lo, int hi, int v) { return v < lo ? lo : (v > hi ? hi : v); }
NVCAST_HD uint8_t clip_pixel(int v) { return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v)); }
NVCAST_HD int iabs(int v) { return v < 0 ? -v : v; }
NVCAST_HD int imin(int a, int b) { return a < b ? a : b; }
NVCAST_HD int imax(int a, int b) { return a > b ? a : b; }
NVCAST_HD int median3(int a, int b, int c) { return imax(imin(a, b), imin(imax(a, b), c)); }

struct Mv {
    int16_t x = 0;
    int16_t y = 0;
    NVCAST_HD friend bool operator==(Mv a, Mv b) { return a.x == b.x && a.y == b.y; }
    NVCAST_HD friend bool operator!=(Mv a, Mv b) { return !(a == b); }
};

NVCAST_HD Mv make_mv(int x, int y) { return Mv{static_cast<int16_t>(x), static_cast<int16_t>(y)}; }

enum MbType : uint8_t {
    kMbI16x16,
    kMbI4x4,
    kMbP16x16,
    kMbP16x8,
    kMbP8x16,
    kMbP8x8,
    kMbPSkip,
};

NVCAST_HD bool is_intra(uint8_t type) { return type == kMbI16x16 || type == kMbI4x4; }

// Coding order of luma 4x4 blocks (luma4x4BlkIdx) -> raster index y4*4+x4. The mapping is its
// own inverse, so raster_to_blk is the same table. Tables live in functions so device code can use them.
NVCAST_HD int blk_to_raster(int blk) {
    static constexpr uint8_t t[16] = {0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15};
    return t[blk];
}
NVCAST_HD int raster_to_blk(int raster) { return blk_to_raster(raster); }
// Zig-zag scan of a 4x4 block (frame macroblocks): scan position -> raster index.
NVCAST_HD int zigzag4x4(int pos) {
    static constexpr uint8_t t[16] = {0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15};
    return t[pos];
}

// Everything the later stages need to know about one coded macroblock.
struct MbInfo {
    uint8_t type = kMbPSkip;
    uint8_t i16_mode = 0;      // Intra16x16PredMode
    uint8_t chroma_mode = 0;   // intra_chroma_pred_mode
    uint8_t cbp = 0;           // bits 0-3 luma 8x8, bits 4-5 chroma (0, 1 = DC only, 2 = DC + AC)
    int8_t qp = 0;
    uint16_t slice = 0;
    uint8_t i4_mode[16] = {};  // raster 4x4 order
    Mv mv[16];                 // raster 4x4 order, quarter-pel; zero for intra
    Mv mvd[4];                 // per partition, coded difference
    uint8_t nnz[16] = {};      // total_coeff per luma 4x4 (raster; AC only for I16x16)
    uint8_t nnz_c[2][4] = {};  // total_coeff of chroma AC blocks (raster 2x2)
    int16_t luma_dc[16] = {};      // zig-zag order (I16x16)
    int16_t luma[16][16] = {};     // [raster block][scan pos]; pos 0 unused for I16x16
    int16_t chroma_dc[2][4] = {};  // raster 2x2
    int16_t chroma_ac[2][4][16] = {};  // [plane][raster block][scan pos]; pos 0 unused
};

}  // namespace nvcast::nvh264
