#include "net/webrtc/stun.h"

#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

namespace nvcast::webrtc {
namespace {

constexpr uint32_t kMagicCookie = 0x2112A442;
constexpr uint32_t kFingerprintXor = 0x5354554E;
constexpr size_t kHeader = 20;

enum Attribute : uint16_t {
    kMappedAddressXor = 0x0020,
    kUsername = 0x0006,
    kMessageIntegrity = 0x0008,
    kErrorCode = 0x0009,
    kPriority = 0x0024,
    kUseCandidate = 0x0025,
    kFingerprint = 0x8028,
};

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}
void put16(std::vector<uint8_t>& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& b, uint32_t v) {
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v));
}
void set_length(std::vector<uint8_t>& b, size_t body) {
    b[2] = static_cast<uint8_t>(body >> 8);
    b[3] = static_cast<uint8_t>(body);
}

// CRC-32 of ISO 3309 / ITU-T V.42 (RFC 5389 §15.5), bitwise: STUN messages are short.
uint32_t crc32(std::span<const uint8_t> data) {
    uint32_t crc = 0xFFFFFFFFu;
    for (uint8_t byte : data) {
        crc ^= byte;
        for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

std::array<uint8_t, 20> hmac_sha1(std::span<const uint8_t> data, std::string_view key) {
    std::array<uint8_t, 20> out{};
    unsigned int len = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
    return out;
}

std::vector<uint8_t> header(uint16_t type, const std::array<uint8_t, 12>& transaction) {
    std::vector<uint8_t> b;
    b.reserve(128);
    put16(b, type);
    put16(b, 0);
    put32(b, kMagicCookie);
    b.insert(b.end(), transaction.begin(), transaction.end());
    return b;
}

void attribute(std::vector<uint8_t>& b, uint16_t type, std::span<const uint8_t> value) {
    put16(b, type);
    put16(b, static_cast<uint16_t>(value.size()));
    b.insert(b.end(), value.begin(), value.end());
    while (b.size() % 4) b.push_back(0);
}

// MESSAGE-INTEGRITY: the HMAC covers the message with its length already counting the attribute.
void add_integrity(std::vector<uint8_t>& b, std::string_view password) {
    set_length(b, b.size() - kHeader + 24);
    const auto mac = hmac_sha1(b, password);
    attribute(b, kMessageIntegrity, mac);
}

void add_fingerprint(std::vector<uint8_t>& b) {
    set_length(b, b.size() - kHeader + 8);
    const uint32_t value = crc32(b) ^ kFingerprintXor;
    std::vector<uint8_t> v;
    put32(v, value);
    attribute(b, kFingerprint, v);
}

}  // namespace

DatagramKind classify_datagram(std::span<const uint8_t> d) noexcept {
    if (d.empty()) return DatagramKind::Other;
    const uint8_t b = d[0];
    if (b <= 3) return DatagramKind::Stun;
    if (b >= 20 && b <= 63) return DatagramKind::Dtls;
    if (b >= 128 && b <= 191) return DatagramKind::Rtp;
    return DatagramKind::Other;
}

std::optional<StunMessage> parse_stun(std::span<const uint8_t> d) {
    if (d.size() < kHeader || (d[0] & 0xC0) != 0 || get32(&d[4]) != kMagicCookie) return std::nullopt;
    const size_t length = get16(&d[2]);
    if (length % 4 != 0 || kHeader + length != d.size()) return std::nullopt;
    StunMessage m;
    m.type = get16(&d[0]);
    std::memcpy(m.transaction.data(), &d[8], 12);
    size_t at = kHeader;
    while (at < d.size()) {
        if (d.size() - at < 4) return std::nullopt;
        const uint16_t type = get16(&d[at]);
        const size_t len = get16(&d[at + 2]);
        const size_t padded = (len + 3) / 4 * 4;
        if (d.size() - at - 4 < padded) return std::nullopt;
        const uint8_t* value = &d[at + 4];
        if (m.has_fingerprint) return std::nullopt;  // FINGERPRINT must be last
        if (type == kFingerprint) {
            if (len != 4 || get32(value) != (crc32(d.first(at)) ^ kFingerprintXor)) return std::nullopt;
            m.has_fingerprint = true;
        } else if (m.has_integrity) {
            // RFC 5389 §15.4: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
        } else if (type == kMessageIntegrity) {
            if (len != 20) return std::nullopt;
            m.has_integrity = true;
            m.integrity_offset = at;
        } else if (type == kUsername) {
            if (len == 0 || len > 513) return std::nullopt;
            m.username = std::string(reinterpret_cast<const char*>(value), len);
        } else if (type == kPriority) {
            if (len != 4) return std::nullopt;
            m.priority = get32(value);
        } else if (type == kUseCandidate) {
            m.use_candidate = true;
        }
        at += 4 + padded;
    }
    return m;
}

bool stun_integrity_ok(std::span<const uint8_t> d, const StunMessage& m, std::string_view password) {
    if (!m.has_integrity || m.integrity_offset + 24 > d.size()) return false;
    std::vector<uint8_t> covered(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(m.integrity_offset));
    set_length(covered, m.integrity_offset - kHeader + 24);
    const auto expected = hmac_sha1(covered, password);
    // Constant time: the comparison must not tell an attacker how much of a forged tag was right.
    return CRYPTO_memcmp(expected.data(), &d[m.integrity_offset + 4], expected.size()) == 0;
}

std::vector<uint8_t> stun_binding_success(const StunMessage& request, const sockaddr_storage& from,
                                          std::string_view password) {
    auto b = header(0x0101, request.transaction);
    std::vector<uint8_t> v;
    if (from.ss_family == AF_INET6) {
        const auto& a = reinterpret_cast<const sockaddr_in6&>(from);
        put16(v, 0x0002);
        put16(v, static_cast<uint16_t>(ntohs(a.sin6_port) ^ (kMagicCookie >> 16)));
        std::array<uint8_t, 16> mask{};
        const uint8_t cookie[4] = {0x21, 0x12, 0xA4, 0x42};
        std::memcpy(mask.data(), cookie, 4);
        std::memcpy(mask.data() + 4, request.transaction.data(), 12);
        for (int i = 0; i < 16; ++i) v.push_back(a.sin6_addr.s6_addr[i] ^ mask[static_cast<size_t>(i)]);
    } else {
        const auto& a = reinterpret_cast<const sockaddr_in&>(from);
        put16(v, 0x0001);
        put16(v, static_cast<uint16_t>(ntohs(a.sin_port) ^ (kMagicCookie >> 16)));
        put32(v, ntohl(a.sin_addr.s_addr) ^ kMagicCookie);
    }
    attribute(b, kMappedAddressXor, v);
    add_integrity(b, password);
    add_fingerprint(b);
    return b;
}

std::vector<uint8_t> stun_binding_error(const StunMessage& request, int code, std::string_view reason) {
    auto b = header(0x0111, request.transaction);
    std::vector<uint8_t> v = {0, 0, static_cast<uint8_t>(code / 100), static_cast<uint8_t>(code % 100)};
    v.insert(v.end(), reason.begin(), reason.end());
    attribute(b, kErrorCode, v);
    add_fingerprint(b);
    return b;
}

std::vector<uint8_t> stun_binding_request(std::string_view username, std::string_view password, bool use_candidate,
                                          std::array<uint8_t, 12> transaction) {
    auto b = header(0x0001, transaction);
    attribute(b, kUsername, std::span(reinterpret_cast<const uint8_t*>(username.data()), username.size()));
    std::vector<uint8_t> priority;
    put32(priority, 0x6E7F1EFF);
    attribute(b, kPriority, priority);
    if (use_candidate) attribute(b, kUseCandidate, {});
    add_integrity(b, password);
    add_fingerprint(b);
    return b;
}

std::optional<sockaddr_storage> stun_mapped_address(std::span<const uint8_t> d) {
    const auto m = parse_stun(d);
    if (!m) return std::nullopt;
    for (size_t at = kHeader; at + 4 <= d.size();) {
        const uint16_t type = get16(&d[at]);
        const size_t len = get16(&d[at + 2]);
        if (at + 4 + len > d.size()) break;
        if (type == kMappedAddressXor && len == 8 && d[at + 5] == 0x01) {
            sockaddr_storage ss{};
            auto& a = reinterpret_cast<sockaddr_in&>(ss);
            a.sin_family = AF_INET;
            a.sin_port = htons(static_cast<uint16_t>(get16(&d[at + 6]) ^ (kMagicCookie >> 16)));
            a.sin_addr.s_addr = htonl(get32(&d[at + 8]) ^ kMagicCookie);
            return ss;
        }
        at += 4 + (len + 3) / 4 * 4;
    }
    return std::nullopt;
}

}  // namespace nvcast::webrtc
