#include "net/rtcp.h"

#include <chrono>

#include "nvcast/stream.h"

namespace nvcast::rtp::detail {
namespace {

void put32(std::vector<uint8_t>& out, uint32_t v) {
    out.push_back(static_cast<uint8_t>(v >> 24));
    out.push_back(static_cast<uint8_t>(v >> 16));
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
}

uint32_t get32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
           p[3];
}

void append_sr_sdes(std::vector<uint8_t>& out, uint32_t ssrc, uint64_t ntp, uint32_t rtp_timestamp,
                    uint32_t packets, uint32_t octets, const std::string& cname) {
    // SR: V=2 P=0 RC=0, PT=200, length = 6 (32-bit words minus one).
    out.insert(out.end(), {0x80, 200, 0, 6});
    put32(out, ssrc);
    put32(out, static_cast<uint32_t>(ntp >> 32));
    put32(out, static_cast<uint32_t>(ntp));
    put32(out, rtp_timestamp);
    put32(out, packets);
    put32(out, octets);
    // SDES: V=2 SC=1, PT=202; chunk = SSRC, CNAME item (type 1, length, text), END, pad to 32 bits.
    const size_t start = out.size();
    const std::string name = cname.substr(0, 255);
    out.insert(out.end(), {0x81, 202, 0, 0});
    put32(out, ssrc);
    out.push_back(1);
    out.push_back(static_cast<uint8_t>(name.size()));
    out.insert(out.end(), name.begin(), name.end());
    out.push_back(0);
    while ((out.size() - start) % 4) out.push_back(0);
    const size_t words = (out.size() - start) / 4 - 1;
    out[start + 2] = static_cast<uint8_t>(words >> 8);
    out[start + 3] = static_cast<uint8_t>(words);
}

}  // namespace

uint64_t ntp_now() {
    using namespace std::chrono;
    const auto since_epoch = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
    const uint64_t seconds = static_cast<uint64_t>(since_epoch / 1000000000) + 2208988800ull;
    const uint64_t frac = (static_cast<uint64_t>(since_epoch % 1000000000) << 32) / 1000000000ull;
    return seconds << 32 | frac;
}

std::vector<uint8_t> make_sender_report(uint32_t ssrc, uint64_t ntp, uint32_t rtp_timestamp, uint32_t packets,
                                        uint32_t octets, const std::string& cname) {
    std::vector<uint8_t> out;
    append_sr_sdes(out, ssrc, ntp, rtp_timestamp, packets, octets, cname);
    return out;
}

std::vector<uint8_t> make_bye(uint32_t ssrc, uint64_t ntp, uint32_t rtp_timestamp, uint32_t packets, uint32_t octets,
                              const std::string& cname) {
    std::vector<uint8_t> out;
    append_sr_sdes(out, ssrc, ntp, rtp_timestamp, packets, octets, cname);
    out.insert(out.end(), {0x81, 203, 0, 1});
    put32(out, ssrc);
    return out;
}

}  // namespace nvcast::rtp::detail

namespace nvcast::rtp {

std::optional<SenderReport> parse_sender_report(std::span<const uint8_t> p) {
    if (p.size() < 28 || (p[0] >> 6) != 2 || p[1] != 200) return std::nullopt;
    const size_t sr_len = (static_cast<size_t>(p[2]) << 8 | p[3]) * 4 + 4;
    if (sr_len < 28 || sr_len > p.size()) return std::nullopt;
    SenderReport r;
    r.ssrc = detail::get32(&p[4]);
    r.ntp_timestamp = static_cast<uint64_t>(detail::get32(&p[8])) << 32 | detail::get32(&p[12]);
    r.rtp_timestamp = detail::get32(&p[16]);
    r.packet_count = detail::get32(&p[20]);
    r.octet_count = detail::get32(&p[24]);
    size_t pos = sr_len;
    while (pos + 4 <= p.size()) {  // look for SDES CNAME of the first chunk
        const size_t len = (static_cast<size_t>(p[pos + 2]) << 8 | p[pos + 3]) * 4 + 4;
        if (pos + len > p.size()) break;
        if (p[pos + 1] == 202 && len >= 12 && p[pos + 8] == 1) {
            const size_t n = p[pos + 9];
            if (10 + n <= len) r.cname.assign(reinterpret_cast<const char*>(&p[pos + 10]), n);
            break;
        }
        pos += len;
    }
    return r;
}

}  // namespace nvcast::rtp
