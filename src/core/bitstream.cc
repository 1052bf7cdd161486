#include "nvcast/bitstream.h"

#include "nvcast/error.h"

namespace nvcast {

std::vector<NalUnit> split_annexb(std::span<const uint8_t> s) {
    std::vector<NalUnit> nals;
    const size_t n = s.size();
    size_t i = 0;
    auto find_start = [&](size_t from) -> size_t {  // index of the byte after 00 00 01, or n
        for (size_t k = from; k + 2 < n; ++k)
            if (s[k] == 0 && s[k + 1] == 0 && s[k + 2] == 1) return k + 3;
        return n;
    };
    i = find_start(0);
    while (i < n) {
        const size_t next = find_start(i);
        size_t end = next == n ? n : next - 3;
        while (end > i && s[end - 1] == 0) --end;  // trailing zero bytes belong to the next start code
        if (end > i) nals.push_back({s.data() + i, end - i});
        i = next;
    }
    return nals;
}

size_t read_leb128(const uint8_t* data, size_t available, uint64_t* value) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && i < available; ++i) {
        v |= static_cast<uint64_t>(data[i] & 0x7f) << (7 * i);
        if (!(data[i] & 0x80)) {
            *value = v;
            return i + 1;
        }
    }
    return 0;
}

void write_leb128(uint64_t value, std::vector<uint8_t>& out) {
    do {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        if (value) byte |= 0x80;
        out.push_back(byte);
    } while (value);
}

std::vector<Obu> parse_obus(std::span<const uint8_t> data) {
    std::vector<Obu> obus;
    size_t pos = 0;
    while (pos < data.size()) {
        Obu obu;
        obu.header = data.data() + pos;
        const uint8_t h = data[pos];
        if (h & 0x80) throw Error(ErrorCode::InvalidData, "AV1 OBU header has forbidden bit set");
        obu.type = static_cast<ObuType>((h >> 3) & 0x0f);
        obu.has_extension = (h >> 2) & 1;
        obu.has_size_field = (h >> 1) & 1;
        obu.header_size = obu.has_extension ? 2 : 1;
        if (pos + obu.header_size > data.size()) throw Error(ErrorCode::InvalidData, "truncated AV1 OBU header");
        if (obu.has_extension) {
            obu.temporal_id = data[pos + 1] >> 5;
            obu.spatial_id = (data[pos + 1] >> 3) & 3;
        }
        size_t p = pos + obu.header_size;
        uint64_t size = data.size() - p;
        if (obu.has_size_field) {
            const size_t used = read_leb128(data.data() + p, data.size() - p, &size);
            if (used == 0) throw Error(ErrorCode::InvalidData, "truncated AV1 OBU size field");
            p += used;
            if (size > data.size() - p) throw Error(ErrorCode::InvalidData, "AV1 OBU size exceeds the data");
        }
        obu.payload = data.data() + p;
        obu.payload_size = size;
        obus.push_back(obu);
        pos = p + size;
    }
    return obus;
}

bool is_keyframe_access_unit(Codec codec, std::span<const uint8_t> au) {
    switch (codec) {
        case Codec::H264:
            for (const NalUnit& nal : split_annexb(au))
                if (h264_nal_type(nal) == h264_nal::kIdr) return true;
            return false;
        case Codec::HEVC:
            for (const NalUnit& nal : split_annexb(au)) {
                const int t = hevc_nal_type(nal);
                if (t >= 16 && t <= 21) return true;  // IRAP: BLA, IDR, CRA
            }
            return false;
        case Codec::AV1:
            // A frame (header) OBU whose show_existing_frame=0 and frame_type=KEY_FRAME(0).
            // Assumes reduced_still_picture_header=0, which every video encoder here uses.
            for (const Obu& obu : parse_obus(au)) {
                if (obu.type != ObuType::Frame && obu.type != ObuType::FrameHeader) continue;
                if (obu.payload_size == 0) return false;
                const uint8_t b = obu.payload[0];
                const bool show_existing = b >> 7;
                const int frame_type = (b >> 5) & 3;
                return !show_existing && frame_type == 0;
            }
            return false;
    }
    return false;
}

}  // namespace nvcast
