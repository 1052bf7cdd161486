// Bitstream structure helpers: Annex-B NAL units (H.264/HEVC) and AV1 OBUs.
// Used by sinks, RTP payloaders and tests that check GOP structure.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "nvcast/config.h"

namespace nvcast {

struct NalUnit {
    const uint8_t* data = nullptr;  // first byte of the NAL header (after the start code)
    size_t size = 0;                // bytes up to the next start code (trailing zeros removed)
};

// Splits an Annex-B byte stream at its 3- and 4-byte start codes.
std::vector<NalUnit> split_annexb(std::span<const uint8_t> stream);

inline int h264_nal_type(const NalUnit& nal) { return nal.size ? nal.data[0] & 0x1f : -1; }
inline int hevc_nal_type(const NalUnit& nal) { return nal.size ? (nal.data[0] >> 1) & 0x3f : -1; }

namespace h264_nal { constexpr int kSlice = 1, kIdr = 5, kSei = 6, kSps = 7, kPps = 8, kAud = 9; }
namespace hevc_nal { constexpr int kIdrWRadl = 19, kIdrNLp = 20, kCra = 21, kVps = 32, kSps = 33, kPps = 34, kAud = 35; }

enum class ObuType : uint8_t {
    SequenceHeader = 1, TemporalDelimiter = 2, FrameHeader = 3, TileGroup = 4, Metadata = 5, Frame = 6,
    RedundantFrameHeader = 7, TileList = 8, Padding = 15
};

struct Obu {
    ObuType type{};
    const uint8_t* header = nullptr;  // first byte of the OBU header
    size_t header_size = 0;           // header (+ extension) bytes, excluding the size field
    const uint8_t* payload = nullptr;
    size_t payload_size = 0;
    bool has_size_field = false;
    bool has_extension = false;
    uint8_t temporal_id = 0;
    uint8_t spatial_id = 0;
};

// Parses a sequence of OBUs in the low-overhead format (each with obu_has_size_field=1,
// except possibly the last). Throws Error(InvalidData) on a truncated OBU.
std::vector<Obu> parse_obus(std::span<const uint8_t> data);

// LEB128 as used by AV1 (at most 8 bytes).
size_t read_leb128(const uint8_t* data, size_t available, uint64_t* value);  // returns bytes used, 0 on error
void write_leb128(uint64_t value, std::vector<uint8_t>& out);

// True when an encoded access unit starts a random-access point (IDR / IRAP / AV1 key frame).
bool is_keyframe_access_unit(Codec codec, std::span<const uint8_t> access_unit);

}  // namespace nvcast
