// nvh264: MSB-first bit writer with Exp-Golomb codes, and NAL unit wrapping
// (start code + emulation prevention).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backends/nvh264/common.h"

namespace nvcast::nvh264 {

// Exp-Golomb codes for any writer with put(value, bits) (the host BitWriter, the per-macroblock
// ChunkWriter that host and device share). Instantiated with host-only writers too, hence the
// pragma that lets a host-device template call a host function.
#if defined(__CUDACC__)
#pragma nv_exec_check_disable
#endif
template <class Writer>
NVCAST_HD void put_ue(Writer& w, uint32_t value) {
    const uint64_t v = static_cast<uint64_t>(value) + 1;
    int len = 0;
    while ((v >> (len + 1)) != 0) ++len;
    w.put(0, len);
    w.put(static_cast<uint32_t>(v), len + 1);  // len + 1 <= 32 bits: the value itself
}
#if defined(__CUDACC__)
#pragma nv_exec_check_disable
#endif
template <class Writer>
NVCAST_HD void put_se(Writer& w, int32_t value) {
    put_ue(w, value > 0 ? static_cast<uint32_t>(2 * value - 1) : static_cast<uint32_t>(-2 * static_cast<int64_t>(value)));
}

class BitWriter {
public:
    void put(uint32_t value, int bits) {  // bits <= 32
        for (int i = bits - 1; i >= 0; --i) put_bit((value >> i) & 1u);
    }
    void put_bit(uint32_t bit) {
        cur_ = static_cast<uint8_t>((cur_ << 1) | (bit & 1u));
        if (++nbits_ == 8) {
            bytes_.push_back(cur_);
            cur_ = 0;
            nbits_ = 0;
        }
    }
    void ue(uint32_t value) { put_ue(*this, value); }
    void se(int32_t value) { put_se(*this, value); }
    // Appends all bits of another writer.
    void append(const BitWriter& other) {
        for (uint8_t b : other.bytes_) put(b, 8);
        put(other.cur_, other.nbits_);
    }
    void rbsp_trailing_bits() {
        put_bit(1);
        while (nbits_ != 0) put_bit(0);
    }
    size_t bit_count() const { return bytes_.size() * 8 + static_cast<size_t>(nbits_); }
    // All bits written so far, the last partial byte padded with zero bits.
    std::vector<uint8_t> padded_bytes() const {
        std::vector<uint8_t> out = bytes_;
        if (nbits_) out.push_back(static_cast<uint8_t>(cur_ << (8 - nbits_)));
        return out;
    }
    bool byte_aligned() const { return nbits_ == 0; }
    const std::vector<uint8_t>& bytes() const { return bytes_; }  // complete bytes only
    void clear() {
        bytes_.clear();
        cur_ = 0;
        nbits_ = 0;
    }

private:
    std::vector<uint8_t> bytes_;
    uint8_t cur_ = 0;
    int nbits_ = 0;
};

// Number of bits of ue(v) / se(v), for cost estimates.
NVCAST_HD int ue_bits(uint32_t value) {
    const uint64_t v = static_cast<uint64_t>(value) + 1;
    int len = 0;
    while ((v >> (len + 1)) != 0) ++len;
    return 2 * len + 1;
}
NVCAST_HD int se_bits(int32_t value) {
    return ue_bits(value > 0 ? static_cast<uint32_t>(2 * value - 1) : static_cast<uint32_t>(-2 * static_cast<int64_t>(value)));
}

// Appends 00 00 00 01, the NAL header and the escaped RBSP to `out`.
void write_nal(std::vector<uint8_t>& out, int nal_ref_idc, int nal_type, const std::vector<uint8_t>& rbsp);

}  // namespace nvcast::nvh264
