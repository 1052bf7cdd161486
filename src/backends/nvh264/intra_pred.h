// nvh264: intra prediction of H.264 clause 8.3 (Intra_4x4, Intra_16x16, chroma 8x8).
// Neighbour samples come in small arrays so the same code runs per thread on the GPU.
#pragma once

#include "backends/nvh264/common.h"

namespace nvcast::nvh264 {

enum Intra16Mode { kI16Vertical = 0, kI16Horizontal = 1, kI16Dc = 2, kI16Plane = 3 };
enum ChromaMode { kChromaDc = 0, kChromaHorizontal = 1, kChromaVertical = 2, kChromaPlane = 3 };
enum Intra4Mode {
    kI4Vertical = 0, kI4Horizontal, kI4Dc, kI4DiagDownLeft, kI4DiagDownRight,
    kI4VerticalRight, kI4HorizontalDown, kI4VerticalLeft, kI4HorizontalUp
};

// Neighbours of a square block of size n: top[0..2n-1] (p[x,-1]), left[0..n-1] (p[-1,y]), topleft.
struct IntraNeighbours {
    uint8_t top[16] = {};
    uint8_t left[16] = {};
    uint8_t topleft = 0;
    bool has_top = false, has_left = false, has_topleft = false, has_topright = false;
};

NVCAST_HD bool intra16_mode_allowed(int mode, const IntraNeighbours& n) {
    switch (mode) {
        case kI16Vertical: return n.has_top;
        case kI16Horizontal: return n.has_left;
        case kI16Plane: return n.has_top && n.has_left && n.has_topleft;
        default: return true;
    }
}

NVCAST_HD bool chroma_mode_allowed(int mode, const IntraNeighbours& n) {
    switch (mode) {
        case kChromaVertical: return n.has_top;
        case kChromaHorizontal: return n.has_left;
        case kChromaPlane: return n.has_top && n.has_left && n.has_topleft;
        default: return true;
    }
}

NVCAST_HD bool intra4_mode_allowed(int mode, const IntraNeighbours& n) {
    switch (mode) {
        case kI4Vertical:
        case kI4DiagDownLeft:
        case kI4VerticalLeft: return n.has_top;
        case kI4Horizontal:
        case kI4HorizontalUp: return n.has_left;
        case kI4DiagDownRight:
        case kI4VerticalRight:
        case kI4HorizontalDown: return n.has_top && n.has_left && n.has_topleft;
        default: return true;
    }
}

// 16x16 luma prediction into pred[16*16].
NVCAST_HD void predict16x16(int mode, const IntraNeighbours& n, uint8_t* pred) {
    if (mode == kI16Vertical) {
        for (int y = 0; y < 16; ++y)
            for (int x = 0; x < 16; ++x) pred[y * 16 + x] = n.top[x];
    } else if (mode == kI16Horizontal) {
        for (int y = 0; y < 16; ++y)
            for (int x = 0; x < 16; ++x) pred[y * 16 + x] = n.left[y];
    } else if (mode == kI16Dc) {
        int s = 0, v = 128;
        if (n.has_top && n.has_left) {
            for (int i = 0; i < 16; ++i) s += n.top[i] + n.left[i];
            v = (s + 16) >> 5;
        } else if (n.has_left) {
            for (int i = 0; i < 16; ++i) s += n.left[i];
            v = (s + 8) >> 4;
        } else if (n.has_top) {
            for (int i = 0; i < 16; ++i) s += n.top[i];
            v = (s + 8) >> 4;
        }
        for (int i = 0; i < 256; ++i) pred[i] = static_cast<uint8_t>(v);
    } else {
        int h = 0, v = 0;
        for (int i = 0; i < 8; ++i) {
            const int t_lo = 6 - i < 0 ? n.topleft : n.top[6 - i];
            const int l_lo = 6 - i < 0 ? n.topleft : n.left[6 - i];
            h += (i + 1) * (n.top[8 + i] - t_lo);
            v += (i + 1) * (n.left[8 + i] - l_lo);
        }
        const int a = 16 * (n.left[15] + n.top[15]);
        const int b = (5 * h + 32) >> 6, c = (5 * v + 32) >> 6;
        for (int y = 0; y < 16; ++y)
            for (int x = 0; x < 16; ++x) pred[y * 16 + x] = clip_pixel((a + b * (x - 7) + c * (y - 7) + 16) >> 5);
    }
}

// 8x8 chroma prediction (4:2:0) into pred[8*8].
NVCAST_HD void predict_chroma8x8(int mode, const IntraNeighbours& n, uint8_t* pred) {
    if (mode == kChromaDc) {
        for (int by = 0; by < 2; ++by)
            for (int bx = 0; bx < 2; ++bx) {
                int st = 0, sl = 0;
                for (int i = 0; i < 4; ++i) {
                    st += n.top[bx * 4 + i];
                    sl += n.left[by * 4 + i];
                }
                int v = 128;
                if (bx == by) {  // (0,0) and (1,1): both, else whichever exists
                    if (n.has_top && n.has_left) v = (st + sl + 4) >> 3;
                    else if (n.has_left) v = (sl + 2) >> 2;
                    else if (n.has_top) v = (st + 2) >> 2;
                } else if (by == 0) {  // top-right block prefers the top
                    if (n.has_top) v = (st + 2) >> 2;
                    else if (n.has_left) v = (sl + 2) >> 2;
                } else {  // bottom-left block prefers the left
                    if (n.has_left) v = (sl + 2) >> 2;
                    else if (n.has_top) v = (st + 2) >> 2;
                }
                for (int y = 0; y < 4; ++y)
                    for (int x = 0; x < 4; ++x) pred[(by * 4 + y) * 8 + bx * 4 + x] = static_cast<uint8_t>(v);
            }
    } else if (mode == kChromaHorizontal) {
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 8; ++x) pred[y * 8 + x] = n.left[y];
    } else if (mode == kChromaVertical) {
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 8; ++x) pred[y * 8 + x] = n.top[x];
    } else {
        int h = 0, v = 0;
        for (int i = 0; i < 4; ++i) {
            const int t_lo = 2 - i < 0 ? n.topleft : n.top[2 - i];
            const int l_lo = 2 - i < 0 ? n.topleft : n.left[2 - i];
            h += (i + 1) * (n.top[4 + i] - t_lo);
            v += (i + 1) * (n.left[4 + i] - l_lo);
        }
        const int a = 16 * (n.left[7] + n.top[7]);
        const int b = (34 * h + 32) >> 6, c = (34 * v + 32) >> 6;
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 8; ++x) pred[y * 8 + x] = clip_pixel((a + b * (x - 3) + c * (y - 3) + 16) >> 5);
    }
}

// 4x4 luma prediction into pred[16]. n.top[4..7] must already hold the
// substituted p[3,-1] when the top-right samples are not available.
NVCAST_HD void predict4x4(int mode, const IntraNeighbours& n, uint8_t* pred) {
    // P(x, y) with x, y in -1..7: the neighbour sample p[x,y].
    auto T = [&](int x) -> int { return x < 0 ? n.topleft : n.top[x]; };
    auto L = [&](int y) -> int { return y < 0 ? n.topleft : n.left[y]; };
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            int v = 128;
            switch (mode) {
                case kI4Vertical: v = T(x); break;
                case kI4Horizontal: v = L(y); break;
                case kI4Dc: {
                    int st = 0, sl = 0;
                    for (int i = 0; i < 4; ++i) {
                        st += n.top[i];
                        sl += n.left[i];
                    }
                    if (n.has_top && n.has_left) v = (st + sl + 4) >> 3;
                    else if (n.has_left) v = (sl + 2) >> 2;
                    else if (n.has_top) v = (st + 2) >> 2;
                    break;
                }
                case kI4DiagDownLeft:
                    v = (x == 3 && y == 3) ? (T(6) + 3 * T(7) + 2) >> 2
                                           : (T(x + y) + 2 * T(x + y + 1) + T(x + y + 2) + 2) >> 2;
                    break;
                case kI4DiagDownRight:
                    if (x > y) v = (T(x - y - 2) + 2 * T(x - y - 1) + T(x - y) + 2) >> 2;
                    else if (x < y) v = (L(y - x - 2) + 2 * L(y - x - 1) + L(y - x) + 2) >> 2;
                    else v = (T(0) + 2 * n.topleft + L(0) + 2) >> 2;
                    break;
                case kI4VerticalRight: {
                    const int z = 2 * x - y;
                    if (z >= 0 && (z & 1) == 0) v = (T(x - (y >> 1) - 1) + T(x - (y >> 1)) + 1) >> 1;
                    else if (z >= 0) v = (T(x - (y >> 1) - 2) + 2 * T(x - (y >> 1) - 1) + T(x - (y >> 1)) + 2) >> 2;
                    else if (z == -1) v = (L(0) + 2 * n.topleft + T(0) + 2) >> 2;
                    else v = (L(y - 1) + 2 * L(y - 2) + L(y - 3) + 2) >> 2;
                    break;
                }
                case kI4HorizontalDown: {
                    const int z = 2 * y - x;
                    if (z >= 0 && (z & 1) == 0) v = (L(y - (x >> 1) - 1) + L(y - (x >> 1)) + 1) >> 1;
                    else if (z >= 0) v = (L(y - (x >> 1) - 2) + 2 * L(y - (x >> 1) - 1) + L(y - (x >> 1)) + 2) >> 2;
                    else if (z == -1) v = (L(0) + 2 * n.topleft + T(0) + 2) >> 2;
                    else v = (T(x - 1) + 2 * T(x - 2) + T(x - 3) + 2) >> 2;
                    break;
                }
                case kI4VerticalLeft:
                    if ((y & 1) == 0) v = (T(x + (y >> 1)) + T(x + (y >> 1) + 1) + 1) >> 1;
                    else v = (T(x + (y >> 1)) + 2 * T(x + (y >> 1) + 1) + T(x + (y >> 1) + 2) + 2) >> 2;
                    break;
                default: {  // horizontal-up
                    const int z = x + 2 * y;
                    if (z > 5) v = L(3);
                    else if (z == 5) v = (L(2) + 3 * L(3) + 2) >> 2;
                    else if ((z & 1) == 0) v = (L(y + (x >> 1)) + L(y + (x >> 1) + 1) + 1) >> 1;
                    else v = (L(y + (x >> 1)) + 2 * L(y + (x >> 1) + 1) + L(y + (x >> 1) + 2) + 2) >> 2;
                    break;
                }
            }
            pred[y * 4 + x] = static_cast<uint8_t>(v);
        }
}

}  // namespace nvcast::nvh264
