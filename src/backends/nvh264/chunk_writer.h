// nvh264: the bit writer of one macroblock's CAVLC chunk, shared by the CPU
// reference and the CUDA engine. Bits go MSB first into 32-bit words whose most
// significant bit comes first, so chunks are concatenated by shifting whole words.
#pragma once

#include <cstdint>

#include "backends/nvh264/common.h"

namespace nvcast::nvh264 {

// Room for the largest macroblock_layer() CAVLC can produce with levels capped at kMaxLevel
// (Intra16x16 with every coefficient escaped: about 15,900 bits) plus its skip run.
constexpr int kChunkWords = 576;

struct ChunkWriter {
    uint32_t* words = nullptr;  // kChunkWords of storage
    uint64_t acc = 0;           // pending bits (the low acc_bits of it)
    int acc_bits = 0;
    int nwords = 0;
    int bits = 0;               // total written
    bool overflow = false;      // more than kChunkWords * 32 bits were put

    NVCAST_HD void put(uint32_t value, int n) {  // n <= 32; only the low n bits of value count
        if (n == 0) return;
        const uint64_t v = n == 32 ? value : (value & ((1u << n) - 1));
        acc = (acc << n) | v;
        acc_bits += n;
        bits += n;
        if (acc_bits >= 32) {
            acc_bits -= 32;
            emit(static_cast<uint32_t>(acc >> acc_bits));
            acc &= (uint64_t{1} << acc_bits) - 1;
        }
    }
    NVCAST_HD void put_bit(uint32_t bit) { put(bit & 1u, 1); }
    // Writes the last partial word, padded with zero bits. `bits` keeps the exact length.
    NVCAST_HD void finish() {
        if (acc_bits) emit(static_cast<uint32_t>(acc << (32 - acc_bits)));
        acc = 0;
        acc_bits = 0;
    }

private:
    NVCAST_HD void emit(uint32_t w) {
        if (nwords < kChunkWords) words[nwords++] = w;
        else overflow = true;
    }
};

}  // namespace nvcast::nvh264
