// H.264 (RFC 6184, packetization-mode 1) and HEVC (RFC 7798, no DONL) payload formats.
// Both carry NAL units as: a single NAL unit per packet, several small ones in one
// aggregation packet (STAP-A / AP: 16-bit size + NAL unit each), or one large one in
// fragmentation units (FU-A / FU: the NAL header is rebuilt from the FU header).
#include <algorithm>
#include <cstring>

#include "net/rtp_formats.h"
#include "nvcast/bitstream.h"

namespace nvcast::rtp::detail {
namespace {

constexpr uint8_t kStartCode[4] = {0, 0, 0, 1};

// Annex-B splitting like split_annexb() (same result), but finding start codes with
// memchr: payloading large access units is dominated by this scan.
std::vector<NalUnit> split_nals(std::span<const uint8_t> s) {
    std::vector<NalUnit> nals;
    const uint8_t* const begin = s.data();
    const size_t n = s.size();
    auto find_start = [&](size_t from) -> size_t {  // index after the next 00 00 01, or n
        size_t k = from + 2;
        while (k < n) {
            const void* hit = std::memchr(begin + k, 1, n - k);
            if (!hit) return n;
            k = static_cast<size_t>(static_cast<const uint8_t*>(hit) - begin);
            if (begin[k - 1] == 0 && begin[k - 2] == 0) return k + 1;
            ++k;
        }
        return n;
    };
    size_t i = find_start(0);
    while (i < n) {
        const size_t next = find_start(i);
        size_t end = next == n ? n : next - 3;
        while (end > i && begin[end - 1] == 0) --end;
        if (end > i) nals.push_back({begin + i, end - i});
        i = next;
    }
    return nals;
}

// H.264: 1-byte NAL header F|NRI(2)|Type(5).  HEVC: 2-byte F|Type(6)|LayerId(6)|TID(3).
struct NalFormat {
    bool hevc = false;
    size_t header_size() const { return hevc ? 2 : 1; }
    int type(const uint8_t* nal) const { return hevc ? (nal[0] >> 1) & 0x3f : nal[0] & 0x1f; }
    bool is_aud(const uint8_t* nal) const { return type(nal) == (hevc ? hevc_nal::kAud : h264_nal::kAud); }
    // Index in the parameter-set table (VPS, SPS, PPS) or -1.
    int param_index(const uint8_t* nal) const {
        const int t = type(nal);
        if (hevc) return t == hevc_nal::kVps ? 0 : t == hevc_nal::kSps ? 1 : t == hevc_nal::kPps ? 2 : -1;
        return t == h264_nal::kSps ? 1 : t == h264_nal::kPps ? 2 : -1;
    }
    int aggregation_type() const { return hevc ? 48 : 24; }
    int fu_type() const { return hevc ? 49 : 28; }
};

class NalPayloader final : public Payloader {
public:
    NalPayloader(const PayloaderConfig& config, bool hevc) : Payloader(config), fmt_{hevc} {
        learn(split_nals(config.codec_headers));
    }

private:
    void learn(const std::vector<NalUnit>& nals) {
        for (const NalUnit& nal : nals) {
            if (nal.size < fmt_.header_size()) continue;
            const int idx = fmt_.param_index(nal.data);
            if (idx >= 0) params_[idx].assign(nal.data, nal.data + nal.size);
        }
    }

    void payloads(std::span<const uint8_t> au, bool keyframe, PacketList& out) override {
        std::vector<NalUnit> nals;
        for (const NalUnit& nal : split_nals(au))
            if (nal.size >= fmt_.header_size() && !fmt_.is_aud(nal.data)) nals.push_back(nal);
        if (keyframe) {
            bool present[3] = {false, false, false};
            for (const NalUnit& nal : nals) {
                const int idx = fmt_.param_index(nal.data);
                if (idx >= 0) present[idx] = true;
            }
            std::vector<NalUnit> missing;
            for (int i = 0; i < 3; ++i)
                if (!present[i] && !params_[i].empty()) missing.push_back({params_[i].data(), params_[i].size()});
            nals.insert(nals.begin(), missing.begin(), missing.end());
        }
        learn(nals);

        const size_t max = config_.max_payload;
        std::vector<NalUnit> group;  // NAL units waiting to go out together
        size_t group_size = fmt_.header_size();  // aggregation packet size so far
        auto flush_group = [&] {
            if (group.empty()) return;
            auto& p = new_packet(out);
            if (group.size() == 1) {
                p.insert(p.end(), group[0].data, group[0].data + group[0].size);
            } else if (!fmt_.hevc) {
                uint8_t f = 0, nri = 0;
                for (const NalUnit& n : group) {
                    f |= n.data[0] & 0x80;
                    nri = std::max<uint8_t>(nri, n.data[0] & 0x60);
                }
                p.push_back(static_cast<uint8_t>(f | nri | 24));
            } else {
                uint8_t f = 0;
                int layer = 63, tid = 7;
                for (const NalUnit& n : group) {
                    f |= n.data[0] & 0x80;
                    layer = std::min(layer, ((n.data[0] & 1) << 5) | (n.data[1] >> 3));
                    tid = std::min(tid, n.data[1] & 7);
                }
                p.push_back(static_cast<uint8_t>(f | 48 << 1 | layer >> 5));
                p.push_back(static_cast<uint8_t>((layer & 0x1f) << 3 | tid));
            }
            if (group.size() > 1) {
                for (const NalUnit& n : group) {
                    p.push_back(static_cast<uint8_t>(n.size >> 8));
                    p.push_back(static_cast<uint8_t>(n.size));
                    p.insert(p.end(), n.data, n.data + n.size);
                }
            }
            group.clear();
            group_size = fmt_.header_size();
        };

        for (const NalUnit& nal : nals) {
            if (nal.size > max) {
                flush_group();
                fragment(nal, out);
                continue;
            }
            // An aggregation unit's size field is 16 bits; the whole packet must fit max.
            if (!group.empty() && group_size + 2 + nal.size > max) flush_group();
            group.push_back(nal);
            group_size += 2 + nal.size;
        }
        flush_group();
    }

    void fragment(const NalUnit& nal, PacketList& out) {
        const size_t hs = fmt_.header_size();
        const size_t fu_overhead = hs + 1;  // payload header (FU indicator) + FU header
        const size_t chunk = config_.max_payload - fu_overhead;
        const uint8_t type = static_cast<uint8_t>(fmt_.type(nal.data));
        size_t pos = hs;
        while (pos < nal.size) {
            const size_t n = std::min(chunk, nal.size - pos);
            auto& p = new_packet(out);
            if (!fmt_.hevc) {
                p.push_back(static_cast<uint8_t>((nal.data[0] & 0xe0) | 28));
            } else {
                p.push_back(static_cast<uint8_t>((nal.data[0] & 0x81) | 49 << 1));
                p.push_back(nal.data[1]);
            }
            uint8_t fu = type;
            if (pos == hs) fu |= 0x80;
            if (pos + n == nal.size) fu |= 0x40;
            p.push_back(fu);
            p.insert(p.end(), nal.data + pos, nal.data + pos + n);
            pos += n;
        }
    }

    NalFormat fmt_;
    std::vector<uint8_t> params_[3];
};

class NalDepayloader final : public Depayloader {
public:
    NalDepayloader(const DepayloaderConfig& config, bool hevc) : Depayloader(config), fmt_{hevc} {}

private:
    void begin_frame() override { in_fu_ = false; }

    bool append_nal(const uint8_t* nal, size_t size, std::vector<uint8_t>& out) const {
        if (size < fmt_.header_size() || (nal[0] & 0x80)) return false;  // forbidden_zero_bit
        out.insert(out.end(), kStartCode, kStartCode + 4);
        out.insert(out.end(), nal, nal + size);
        return true;
    }

    bool add_payload(std::span<const uint8_t> p, std::vector<uint8_t>& out) override {
        const size_t hs = fmt_.header_size();
        if (p.size() < hs) return false;
        const int type = fmt_.type(p.data());
        if (fmt_.hevc && (p[0] & 0x80)) return false;
        if (type == fmt_.fu_type()) {
            if (p.size() < hs + 2) return false;
            const uint8_t fu = p[hs];
            const bool start = fu & 0x80, end = fu & 0x40;
            const int inner = fmt_.hevc ? fu & 0x3f : fu & 0x1f;
            if (start && end) return false;  // RFC 6184 §5.8 / RFC 7798 §4.4.3: not both
            if (start) {
                if (in_fu_) return false;
                out.insert(out.end(), kStartCode, kStartCode + 4);
                if (!fmt_.hevc) {
                    out.push_back(static_cast<uint8_t>((p[0] & 0xe0) | inner));
                } else {
                    out.push_back(static_cast<uint8_t>((p[0] & 0x81) | inner << 1));
                    out.push_back(p[1]);
                }
                in_fu_ = true;
                fu_type_ = inner;
            } else if (!in_fu_ || inner != fu_type_) {
                return false;
            }
            out.insert(out.end(), p.begin() + static_cast<std::ptrdiff_t>(hs + 1), p.end());
            if (end) in_fu_ = false;
            return true;
        }
        if (in_fu_) return false;  // a fragmented NAL unit was cut short
        if (type == fmt_.aggregation_type()) {
            size_t pos = hs;
            int count = 0;
            while (pos < p.size()) {
                if (pos + 2 > p.size()) return false;
                const size_t size = static_cast<size_t>(p[pos]) << 8 | p[pos + 1];
                pos += 2;
                if (size == 0 || size > p.size() - pos) return false;
                if (!append_nal(p.data() + pos, size, out)) return false;
                pos += size;
                ++count;
            }
            return count > 0;
        }
        // Everything else must be a plain NAL unit type (H.264 1..23, HEVC 0..47).
        if (fmt_.hevc ? type >= 48 : (type == 0 || type >= 24)) return false;
        return append_nal(p.data(), p.size(), out);
    }

    bool end_frame(std::vector<uint8_t>&) override { return !in_fu_; }

    NalFormat fmt_;
    bool in_fu_ = false;
    int fu_type_ = 0;
};

}  // namespace

std::unique_ptr<Payloader> make_h264_payloader(const PayloaderConfig& config) {
    return std::make_unique<NalPayloader>(config, false);
}
std::unique_ptr<Payloader> make_hevc_payloader(const PayloaderConfig& config) {
    return std::make_unique<NalPayloader>(config, true);
}
std::unique_ptr<Depayloader> make_h264_depayloader(const DepayloaderConfig& config) {
    return std::make_unique<NalDepayloader>(config, false);
}
std::unique_ptr<Depayloader> make_hevc_depayloader(const DepayloaderConfig& config) {
    return std::make_unique<NalDepayloader>(config, true);
}

}  // namespace nvcast::rtp::detail
