// AV1 RTP payload format (AOMedia "RTP Payload Format For AV1", v1.0):
//   aggregation header  Z|Y|W(2)|N|-|-|-
//   Z: the first OBU element continues a fragment from the previous packet
//   Y: the last OBU element continues in the next packet
//   W: number of OBU elements when 1..3 (the last has no length field), 0 = each has a LEB128 length
//   N: first packet of a coded video sequence
// OBUs travel without obu_size (obu_has_size_field = 0); temporal delimiters,
// tile list and padding OBUs are not sent. The depayloader writes each OBU back
// in the low-overhead format with its size and prefixes a temporal delimiter.
#include <algorithm>

#include "net/rtp_formats.h"
#include "nvcast/bitstream.h"
#include "nvcast/error.h"

namespace nvcast::rtp::detail {
namespace {

size_t leb128_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

// An OBU as sent in RTP: header (size flag cleared) + optional extension + payload.
struct Element {
    std::vector<uint8_t> bytes;
};

Element to_element(const Obu& obu) {
    Element e;
    e.bytes.reserve(obu.header_size + obu.payload_size);
    e.bytes.push_back(static_cast<uint8_t>(obu.header[0] & ~0x02));
    if (obu.has_extension) e.bytes.push_back(obu.header[1]);
    e.bytes.insert(e.bytes.end(), obu.payload, obu.payload + obu.payload_size);
    return e;
}

class Av1Payloader final : public Payloader {
public:
    explicit Av1Payloader(const PayloaderConfig& config) : Payloader(config) {
        if (!config.codec_headers.empty()) {
            for (const Obu& obu : parse_obus(config.codec_headers))
                if (obu.type == ObuType::SequenceHeader) sequence_header_ = to_element(obu);
        }
    }

private:
    struct Chunk {
        const uint8_t* data;
        size_t size;
    };

    void payloads(std::span<const uint8_t> tu, bool keyframe, PacketList& out) override {
        std::vector<Element> elements;
        bool has_sequence_header = false;
        for (const Obu& obu : parse_obus(tu)) {
            if (obu.type == ObuType::TemporalDelimiter || obu.type == ObuType::TileList ||
                obu.type == ObuType::Padding)
                continue;
            elements.push_back(to_element(obu));
            if (obu.type == ObuType::SequenceHeader) {
                has_sequence_header = true;
                sequence_header_ = elements.back();
            }
        }
        if (keyframe && !has_sequence_header && !sequence_header_.bytes.empty()) {
            elements.insert(elements.begin(), sequence_header_);
            has_sequence_header = true;
        }
        if (elements.empty()) return;

        const size_t max = config_.max_payload;
        std::vector<Chunk> chunks;
        size_t used = 1;  // aggregation header; lengths counted for every chunk (an upper bound)
        bool z = false;
        bool first_packet = true;
        auto emit = [&](bool y) {
            auto& p = new_packet(out);
            const size_t w = chunks.size() <= 3 ? chunks.size() : 0;
            uint8_t agg = static_cast<uint8_t>(w << 4);
            if (z) agg |= 0x80;
            if (y) agg |= 0x40;
            if (first_packet && keyframe && has_sequence_header) agg |= 0x08;
            p.push_back(agg);
            for (size_t i = 0; i < chunks.size(); ++i) {
                if (!(w != 0 && i + 1 == chunks.size())) write_leb128(chunks[i].size, p);
                p.insert(p.end(), chunks[i].data, chunks[i].data + chunks[i].size);
            }
            chunks.clear();
            used = 1;
            z = y;
            first_packet = false;
        };

        for (const Element& e : elements) {
            const uint8_t* data = e.bytes.data();
            size_t remaining = e.bytes.size();
            // Start a new packet rather than split an OBU that would fit whole in one.
            if (!chunks.empty() && used + leb128_size(remaining) + remaining > max &&
                1 + leb128_size(remaining) + remaining <= max)
                emit(false);
            while (remaining > 0) {
                if (used + leb128_size(remaining) + remaining <= max) {
                    chunks.push_back({data, remaining});
                    used += leb128_size(remaining) + remaining;
                    break;
                }
                // Largest fragment that fits with its length field.
                const size_t space = max - used;
                size_t n = space > 1 ? space - 1 : 0;
                while (n > 0 && leb128_size(n) + n > space) --n;
                if (n == 0) {
                    emit(false);
                    continue;
                }
                chunks.push_back({data, n});
                data += n;
                remaining -= n;
                emit(true);
            }
        }
        if (!chunks.empty()) emit(false);
    }

    Element sequence_header_;
};

class Av1Depayloader final : public Depayloader {
public:
    explicit Av1Depayloader(const DepayloaderConfig& config) : Depayloader(config) {}

private:
    void begin_frame() override {
        fragment_.clear();
        in_fragment_ = false;
        wrote_td_ = false;
    }

    // Writes one complete OBU element in the low-overhead format.
    bool write_obu(const uint8_t* e, size_t size, std::vector<uint8_t>& out) {
        if (size < 1 || (e[0] & 0x80)) return false;  // forbidden bit
        const bool ext = e[0] & 0x04;
        const bool has_size = e[0] & 0x02;
        const size_t hs = ext ? 2 : 1;
        if (size < hs) return false;
        const int type = (e[0] >> 3) & 0x0f;
        const uint8_t* payload = e + hs;
        size_t payload_size = size - hs;
        if (has_size) {
            uint64_t declared = 0;
            const size_t used = read_leb128(payload, payload_size, &declared);
            if (used == 0 || declared != payload_size - used) return false;
            payload += used;
            payload_size -= used;
        }
        if (type == static_cast<int>(ObuType::TemporalDelimiter)) return true;  // we write our own
        if (!wrote_td_) {
            out.push_back(0x12);  // temporal delimiter OBU, obu_has_size_field = 1
            out.push_back(0x00);
            wrote_td_ = true;
        }
        out.push_back(static_cast<uint8_t>(e[0] | 0x02));
        if (ext) out.push_back(e[1]);
        write_leb128(payload_size, out);
        out.insert(out.end(), payload, payload + payload_size);
        return true;
    }

    bool add_payload(std::span<const uint8_t> p, std::vector<uint8_t>& out) override {
        if (p.size() < 2) return false;
        const uint8_t agg = p[0];
        const bool z = agg & 0x80, y = agg & 0x40;
        const size_t w = (agg >> 4) & 3;
        if (z != in_fragment_) return false;  // continuation without a start, or a start cut short
        size_t pos = 1;
        size_t index = 0;
        while (pos < p.size()) {
            size_t size;
            if (w != 0 && index + 1 == w) {
                size = p.size() - pos;
            } else {
                uint64_t declared = 0;
                const size_t used = read_leb128(p.data() + pos, p.size() - pos, &declared);
                if (used == 0) return false;
                pos += used;
                if (declared > p.size() - pos) return false;
                size = static_cast<size_t>(declared);
            }
            const uint8_t* e = p.data() + pos;
            pos += size;
            const bool first = index == 0, last = pos == p.size();
            ++index;
            if (w != 0 && index > w) return false;
            if (first && z) {
                fragment_.insert(fragment_.end(), e, e + size);
                if (fragment_.size() > config_.max_frame_bytes) return false;
                if (last && y) continue;  // the fragment goes on
                in_fragment_ = false;
                const bool ok = write_obu(fragment_.data(), fragment_.size(), out);
                fragment_.clear();
                if (!ok) return false;
                continue;
            }
            if (size == 0) return false;
            if (last && y) {
                fragment_.assign(e, e + size);
                in_fragment_ = true;
                continue;
            }
            if (!write_obu(e, size, out)) return false;
        }
        if (w != 0 && index != w) return false;
        if (index == 0) return false;
        return true;
    }

    bool end_frame(std::vector<uint8_t>&) override { return !in_fragment_; }

    std::vector<uint8_t> fragment_;
    bool in_fragment_ = false;
    bool wrote_td_ = false;
};

}  // namespace

std::unique_ptr<Payloader> make_av1_payloader(const PayloaderConfig& config) {
    return std::make_unique<Av1Payloader>(config);
}
std::unique_ptr<Depayloader> make_av1_depayloader(const DepayloaderConfig& config) {
    return std::make_unique<Av1Depayloader>(config);
}

}  // namespace nvcast::rtp::detail
