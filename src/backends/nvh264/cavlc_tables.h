// nvh264: CAVLC code tables of ITU-T H.264 clause 9.2 (Tables 9-5, 9-7, 9-8,
// 9-9a, 9-10), written as the standard prints them and turned into
// (code, length) pairs at compile time; usable from host and device code.
#pragma once

#include <cstdint>

#include "backends/nvh264/common.h"

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

// coded_block_pattern -> codeNum of me(v), Table 9-4 (ChromaArrayType 1): [intra 4x4 ? 0 : 1][cbp].
struct CbpCodeTable {
    uint8_t t[2][48];
};

// Table 9-4 read backwards: for each coded_block_pattern the codeNum (Intra_4x4, Inter).
namespace cavlc_detail {
constexpr uint8_t kCodeNumToCbpIntra[48] = {47, 31, 15, 0,  23, 27, 29, 30, 7,  11, 13, 14, 39, 43, 45, 46,
                                            16, 3,  5,  10, 12, 19, 21, 26, 28, 35, 37, 42, 44, 1,  2,  4,
                                            8,  17, 18, 20, 24, 6,  9,  22, 25, 32, 33, 34, 36, 40, 38, 41};
constexpr uint8_t kCodeNumToCbpInter[48] = {0,  16, 1,  2,  4,  8,  32, 3,  5,  10, 12, 15, 47, 7,  11, 13,
                                            14, 6,  9,  31, 35, 37, 42, 44, 33, 34, 36, 40, 39, 43, 45, 46,
                                            17, 18, 20, 24, 19, 21, 26, 28, 23, 27, 29, 30, 22, 25, 38, 41};
constexpr CbpCodeTable invert_cbp_table() {
    CbpCodeTable r{};
    for (int i = 0; i < 48; ++i) {
        r.t[0][kCodeNumToCbpIntra[i]] = static_cast<uint8_t>(i);
        r.t[1][kCodeNumToCbpInter[i]] = static_cast<uint8_t>(i);
    }
    return r;
}
}  // namespace cavlc_detail

#define V(s) vlc(s)
#define N Vlc{}

// All code tables in one object, so device code gets one constant-memory copy of it.
struct CavlcTables {
    // coeff_token, Table 9-5: [table][TotalCoeff][TrailingOnes]; tables for
    // 0<=nC<2, 2<=nC<4, 4<=nC<8. (nC>=8 is a 6-bit fixed-length code.)
    Vlc coeff_token[3][17][4];
    // coeff_token for chroma DC of 4:2:0 (nC == -1): [TotalCoeff][TrailingOnes].
    Vlc coeff_token_chroma_dc[5][4];
    // total_zeros for 4x4 blocks, Tables 9-7/9-8: [tzVlcIndex = TotalCoeff][total_zeros].
    Vlc total_zeros[16][16];
    // total_zeros for 2x2 chroma DC, Table 9-9a: [TotalCoeff][total_zeros].
    Vlc total_zeros_chroma_dc[4][4];
    // run_before, Table 9-10: [min(zerosLeft,7)][run_before].
    Vlc run_before[8][15];
    CbpCodeTable cbp_to_code_num;
};

// clang-format off
inline constexpr CavlcTables kCavlcTables = {
    {
    {   // 0 <= nC < 2
        {V("1"), N, N, N},
        {V("000101"), V("01"), N, N},
        {V("00000111"), V("000100"), V("001"), N},
        {V("000000111"), V("00000110"), V("0000101"), V("00011")},
        {V("0000000111"), V("000000110"), V("00000101"), V("000011")},
        {V("00000000111"), V("0000000110"), V("000000101"), V("0000100")},
        {V("0000000001111"), V("00000000110"), V("0000000101"), V("00000100")},
        {V("0000000001011"), V("0000000001110"), V("00000000101"), V("000000100")},
        {V("0000000001000"), V("0000000001010"), V("0000000001101"), V("0000000100")},
        {V("00000000001111"), V("00000000001110"), V("0000000001001"), V("00000000100")},
        {V("00000000001011"), V("00000000001010"), V("00000000001101"), V("0000000001100")},
        {V("000000000001111"), V("000000000001110"), V("00000000001001"), V("00000000001100")},
        {V("000000000001011"), V("000000000001010"), V("000000000001101"), V("00000000001000")},
        {V("0000000000001111"), V("000000000000001"), V("000000000001001"), V("000000000001100")},
        {V("0000000000001011"), V("0000000000001110"), V("0000000000001101"), V("000000000001000")},
        {V("0000000000000111"), V("0000000000001010"), V("0000000000001001"), V("0000000000001100")},
        {V("0000000000000100"), V("0000000000000110"), V("0000000000000101"), V("0000000000001000")},
    },
    {   // 2 <= nC < 4
        {V("11"), N, N, N},
        {V("001011"), V("10"), N, N},
        {V("000111"), V("00111"), V("011"), N},
        {V("0000111"), V("001010"), V("001001"), V("0101")},
        {V("00000111"), V("000110"), V("000101"), V("0100")},
        {V("00000100"), V("0000110"), V("0000101"), V("00110")},
        {V("000000111"), V("00000110"), V("00000101"), V("001000")},
        {V("00000001111"), V("000000110"), V("000000101"), V("000100")},
        {V("00000001011"), V("00000001110"), V("00000001101"), V("0000100")},
        {V("000000001111"), V("00000001010"), V("00000001001"), V("000000100")},
        {V("000000001011"), V("000000001110"), V("000000001101"), V("00000001100")},
        {V("000000001000"), V("000000001010"), V("000000001001"), V("00000001000")},
        {V("0000000001111"), V("0000000001110"), V("0000000001101"), V("000000001100")},
        {V("0000000001011"), V("0000000001010"), V("0000000001001"), V("0000000001100")},
        {V("0000000000111"), V("00000000001011"), V("0000000000110"), V("0000000001000")},
        {V("00000000001001"), V("00000000001000"), V("00000000001010"), V("0000000000001")},
        {V("00000000000111"), V("00000000000110"), V("00000000000101"), V("00000000000100")},
    },
    {   // 4 <= nC < 8
        {V("1111"), N, N, N},
        {V("001111"), V("1110"), N, N},
        {V("001011"), V("01111"), V("1101"), N},
        {V("001000"), V("01100"), V("01110"), V("1100")},
        {V("0001111"), V("01010"), V("01011"), V("1011")},
        {V("0001011"), V("01000"), V("01001"), V("1010")},
        {V("0001001"), V("001110"), V("001101"), V("1001")},
        {V("0001000"), V("001010"), V("001001"), V("1000")},
        {V("00001111"), V("0001110"), V("0001101"), V("01101")},
        {V("00001011"), V("00001110"), V("0001010"), V("001100")},
        {V("000001111"), V("00001010"), V("00001101"), V("0001100")},
        {V("000001011"), V("000001110"), V("00001001"), V("00001100")},
        {V("000001000"), V("000001010"), V("000001101"), V("00001000")},
        {V("0000001101"), V("000000111"), V("000001001"), V("000001100")},
        {V("0000001001"), V("0000001100"), V("0000001011"), V("0000001010")},
        {V("0000000101"), V("0000001000"), V("0000000111"), V("0000000110")},
        {V("0000000001"), V("0000000100"), V("0000000011"), V("0000000010")},
    },
},
    {
    {V("01"), N, N, N},
    {V("000111"), V("1"), N, N},
    {V("000100"), V("000110"), V("001"), N},
    {V("000011"), V("0000011"), V("0000010"), V("000101")},
    {V("000010"), V("00000011"), V("00000010"), V("0000000")},
},
    {
    {},
    {V("1"), V("011"), V("010"), V("0011"), V("0010"), V("00011"), V("00010"), V("000011"), V("000010"),
     V("0000011"), V("0000010"), V("00000011"), V("00000010"), V("000000011"), V("000000010"), V("000000001")},
    {V("111"), V("110"), V("101"), V("100"), V("011"), V("0101"), V("0100"), V("0011"), V("0010"), V("00011"),
     V("00010"), V("000011"), V("000010"), V("000001"), V("000000")},
    {V("0101"), V("111"), V("110"), V("101"), V("0100"), V("0011"), V("100"), V("011"), V("0010"), V("00011"),
     V("00010"), V("000001"), V("00001"), V("000000")},
    {V("00011"), V("111"), V("0101"), V("0100"), V("110"), V("101"), V("100"), V("0011"), V("011"), V("0010"),
     V("00010"), V("00001"), V("00000")},
    {V("0101"), V("0100"), V("0011"), V("111"), V("110"), V("101"), V("100"), V("011"), V("0010"), V("00001"),
     V("0001"), V("00000")},
    {V("000001"), V("00001"), V("111"), V("110"), V("101"), V("100"), V("011"), V("010"), V("0001"), V("001"),
     V("000000")},
    {V("000001"), V("00001"), V("101"), V("100"), V("011"), V("11"), V("010"), V("0001"), V("001"), V("000000")},
    {V("000001"), V("0001"), V("00001"), V("011"), V("11"), V("10"), V("010"), V("001"), V("000000")},
    {V("000001"), V("000000"), V("0001"), V("11"), V("10"), V("001"), V("01"), V("00001")},
    {V("00001"), V("00000"), V("001"), V("11"), V("10"), V("01"), V("0001")},
    {V("0000"), V("0001"), V("001"), V("010"), V("1"), V("011")},
    {V("0000"), V("0001"), V("01"), V("1"), V("001")},
    {V("000"), V("001"), V("1"), V("01")},
    {V("00"), V("01"), V("1")},
    {V("0"), V("1")},
},
    {
    {},
    {V("1"), V("01"), V("001"), V("000")},
    {V("1"), V("01"), V("00")},
    {V("1"), V("0")},
},
    {
    {},
    {V("1"), V("0")},
    {V("1"), V("01"), V("00")},
    {V("11"), V("10"), V("01"), V("00")},
    {V("11"), V("10"), V("01"), V("001"), V("000")},
    {V("11"), V("10"), V("011"), V("010"), V("001"), V("000")},
    {V("11"), V("000"), V("001"), V("011"), V("010"), V("101"), V("100")},
    {V("111"), V("110"), V("101"), V("100"), V("011"), V("010"), V("001"), V("0001"), V("00001"), V("000001"),
     V("0000001"), V("00000001"), V("000000001"), V("0000000001"), V("00000000001")},
},
    cavlc_detail::invert_cbp_table(),
};
// clang-format on

#undef V
#undef N

// Names the tests use.
inline constexpr const auto& kCoeffToken = kCavlcTables.coeff_token;
inline constexpr const auto& kCoeffTokenChromaDc = kCavlcTables.coeff_token_chroma_dc;
inline constexpr const auto& kTotalZeros = kCavlcTables.total_zeros;
inline constexpr const auto& kTotalZerosChromaDc = kCavlcTables.total_zeros_chroma_dc;
inline constexpr const auto& kRunBefore = kCavlcTables.run_before;
inline constexpr const CbpCodeTable& kCbpToCodeNum = kCavlcTables.cbp_to_code_num;

#if defined(__CUDACC__)
// Each CUDA translation unit that codes CAVLC gets its own constant-memory copy (no relocatable device code).
static __constant__ CavlcTables kCavlcTablesDevice = kCavlcTables;
#endif

NVCAST_HD const CavlcTables& cavlc_tables() {
#if defined(__CUDA_ARCH__)
    return kCavlcTablesDevice;
#else
    return kCavlcTables;
#endif
}

NVCAST_HD Vlc coeff_token(int nC, int total_coeff, int trailing_ones) {
    if (nC == -1) return cavlc_tables().coeff_token_chroma_dc[total_coeff][trailing_ones];
    if (nC >= 8) {
        if (total_coeff == 0) return Vlc{3, 6};
        return Vlc{static_cast<uint16_t>(((total_coeff - 1) << 2) | trailing_ones), 6};
    }
    return cavlc_tables().coeff_token[nC < 2 ? 0 : (nC < 4 ? 1 : 2)][total_coeff][trailing_ones];
}

}  // namespace nvcast::nvh264
