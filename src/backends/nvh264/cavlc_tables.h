// nvh264: CAVLC code tables of ITU-T H.264 clause 9.2 (Tables 9-5, 9-7, 9-8,
// 9-9a, 9-10), written as the standard prints them and turned into
// (code, length) pairs at compile time.
#pragma once

#include <cstdint>

namespace nvcast::nvh264 {

struct Vlc {
    uint16_t code = 0;
    uint8_t len = 0;
};

constexpr Vlc vlc(const char* bits) {
    Vlc v;
    for (const char* p = bits; *p; ++p) {
        v.code = static_cast<uint16_t>((v.code << 1) | (*p == '1' ? 1 : 0));
        ++v.len;
    }
    return v;
}

// coeff_token, Table 9-5: [table][TotalCoeff][TrailingOnes]; tables for
// 0<=nC<2, 2<=nC<4, 4<=nC<8. (nC>=8 is a 6-bit fixed-length code.)
extern const Vlc kCoeffToken[3][17][4];
// coeff_token for chroma DC of 4:2:0 (nC == -1): [TotalCoeff][TrailingOnes].
extern const Vlc kCoeffTokenChromaDc[5][4];
// total_zeros for 4x4 blocks, Tables 9-7/9-8: [tzVlcIndex = TotalCoeff][total_zeros].
extern const Vlc kTotalZeros[16][16];
// total_zeros for 2x2 chroma DC, Table 9-9a: [TotalCoeff][total_zeros].
extern const Vlc kTotalZerosChromaDc[4][4];
// run_before, Table 9-10: [min(zerosLeft,7)][run_before].
extern const Vlc kRunBefore[8][15];
// coded_block_pattern -> codeNum of me(v), Table 9-4 (ChromaArrayType 1): [intra 4x4 ? 0 : 1][cbp].
struct CbpCodeTable {
    uint8_t t[2][48];
};
extern const CbpCodeTable kCbpToCodeNum;

inline Vlc coeff_token(int nC, int total_coeff, int trailing_ones) {
    if (nC == -1) return kCoeffTokenChromaDc[total_coeff][trailing_ones];
    if (nC >= 8) {
        if (total_coeff == 0) return Vlc{3, 6};
        return Vlc{static_cast<uint16_t>(((total_coeff - 1) << 2) | trailing_ones), 6};
    }
    return kCoeffToken[nC < 2 ? 0 : (nC < 4 ? 1 : 2)][total_coeff][trailing_ones];
}

}  // namespace nvcast::nvh264
