// RTP URLs, host resolution and SRTP keys.
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <netdb.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "net/base64.h"
#include "nvcast/error.h"
#include "nvcast/features.h"
#include "nvcast/stream.h"

namespace nvcast::rtp {
namespace {

bool network_scheme(std::string_view scheme) { return scheme == "rtp" || scheme == "udp" || scheme == "srtp"; }

}  // namespace

bool is_network_url(std::string_view text) {
    const size_t scheme_end = text.find("://");
    return scheme_end != std::string_view::npos && network_scheme(text.substr(0, scheme_end));
}

Endpoint parse_url(std::string_view url, bool allow_any_host, bool allow_port_zero) {
    const std::string original(url);
    std::string_view rest = url;
    const size_t scheme_end = rest.find("://");
    if (scheme_end != std::string_view::npos) {
        const std::string_view scheme = rest.substr(0, scheme_end);
        if (!network_scheme(scheme))
            throw Error(ErrorCode::InvalidArgument,
                        "unsupported URL scheme '" + std::string(scheme) + "' in '" + original + "' (use rtp://host:port)");
        rest.remove_prefix(scheme_end + 3);
    }
    if (const size_t q = rest.find_first_of("?/"); q != std::string_view::npos) rest = rest.substr(0, q);
    if (!rest.empty() && rest.front() == '@') rest.remove_prefix(1);
    Endpoint ep;
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
        const size_t close = rest.find(']');
        if (close == std::string_view::npos)
            throw Error(ErrorCode::InvalidArgument, "missing ']' after the IPv6 address in '" + original + "'");
        ep.host = std::string(rest.substr(1, close - 1));
        rest.remove_prefix(close + 1);
        if (rest.empty() || rest.front() != ':')
            throw Error(ErrorCode::InvalidArgument, "missing port in '" + original + "' (expected [addr]:port)");
        port_text = rest.substr(1);
    } else {
        const size_t colon = rest.rfind(':');
        if (colon == std::string_view::npos)
            throw Error(ErrorCode::InvalidArgument, "missing port in '" + original + "' (expected host:port)");
        ep.host = std::string(rest.substr(0, colon));
        if (ep.host.find(':') != std::string::npos)
            throw Error(ErrorCode::InvalidArgument,
                        "IPv6 address in '" + original + "' must be in brackets, e.g. rtp://[::1]:5004");
        port_text = rest.substr(colon + 1);
    }
    if (ep.host.empty() && !allow_any_host)
        throw Error(ErrorCode::InvalidArgument, "missing host in '" + original + "'");
    long port = -1;
    const auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size())
        throw Error(ErrorCode::InvalidArgument, "port '" + std::string(port_text) + "' in '" + original +
                                                    "' is not a number");
    if (port < (allow_port_zero ? 0 : 1) || port > 65535)
        throw Error(ErrorCode::InvalidArgument, "port " + std::to_string(port) + " in '" + original +
                                                    "' is out of range (" + (allow_port_zero ? "0" : "1") + "..65535)");
    ep.port = static_cast<uint16_t>(port);
    return ep;
}

std::string resolve_host(const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0 || !res)
        throw Error(ErrorCode::InvalidArgument, "cannot resolve host '" + host + "': " + ::gai_strerror(rc));
    char buf[INET6_ADDRSTRLEN] = {};
    const void* addr = res->ai_family == AF_INET6
                           ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(res->ai_addr)->sin6_addr)
                           : static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(res->ai_addr)->sin_addr);
    ::inet_ntop(res->ai_family, addr, buf, sizeof buf);
    ::freeaddrinfo(res);
    return buf;
}

SrtpKey SrtpKey::parse(std::string_view text) {
    if (text.rfind("inline:", 0) == 0) text.remove_prefix(7);
    if (const size_t bar = text.find('|'); bar != std::string_view::npos) text = text.substr(0, bar);
    SrtpKey key;
    auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
    if (text.size() == 2 * kSize) {
        for (char c : text)
            if (!is_hex(c))
                throw Error(ErrorCode::InvalidArgument, "SRTP key of 60 characters must be hex digits only");
        for (size_t i = 0; i < kSize; ++i) {
            auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
            key.bytes[i] = static_cast<uint8_t>(nibble(text[2 * i]) << 4 | nibble(text[2 * i + 1]));
        }
    } else {
        const auto decoded = detail::base64_decode(text);
        if (!decoded)
            throw Error(ErrorCode::InvalidArgument,
                        "SRTP key is neither base64 nor hex (expected 40 base64 characters or 60 hex digits for "
                        "AES_CM_128_HMAC_SHA1_80: 16-byte key + 14-byte salt)");
        if (decoded->size() != kSize)
            throw Error(ErrorCode::InvalidArgument,
                        "SRTP key decodes to " + std::to_string(decoded->size()) +
                            " bytes; AES_CM_128_HMAC_SHA1_80 needs 30 (16-byte key + 14-byte salt)");
        std::copy(decoded->begin(), decoded->end(), key.bytes.begin());
    }
    bool all_same = true;
    for (uint8_t b : key.bytes) all_same &= b == key.bytes[0];
    if (all_same)
        throw Error(ErrorCode::InvalidArgument, "SRTP key is a single repeated byte; use a random key "
                                                "(omit the key to have one generated)");
    return key;
}

SrtpKey SrtpKey::generate() {
    SrtpKey key;
    std::ifstream in("/dev/urandom", std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(key.bytes.data()), kSize))
        throw Error(ErrorCode::Io, "cannot read /dev/urandom to generate an SRTP key");
    return key;
}

std::string SrtpKey::base64() const { return detail::base64_encode(bytes); }

bool srtp_supported() noexcept { return NVCAST_HAVE_SRTP; }

}  // namespace nvcast::rtp
