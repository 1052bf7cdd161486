// STUN (RFC 5389) as an ICE-lite agent needs it (RFC 8445 §2.5, RFC 7675): reading binding
// requests, checking their short-term credentials, and answering them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sys/socket.h>

namespace nvcast::webrtc {

// RFC 7983 §7: what the first byte of a datagram on a WebRTC socket says it carries.
enum class DatagramKind { Stun, Dtls, Rtp, Other };
DatagramKind classify_datagram(std::span<const uint8_t> datagram) noexcept;

struct StunMessage {
    uint16_t type = 0;                     // 0x0001 = binding request
    std::array<uint8_t, 12> transaction{};
    std::optional<std::string> username;   // "local-ufrag:remote-ufrag" in ICE requests
    bool has_integrity = false;
    bool has_fingerprint = false;
    bool use_candidate = false;
    std::optional<uint32_t> priority;
    size_t integrity_offset = 0;           // where MESSAGE-INTEGRITY starts (for the HMAC)

    bool is_binding_request() const noexcept { return type == 0x0001; }
};

// Parses one STUN message; nullopt when it is not one (bad header, magic cookie, lengths,
// attributes past the end, a FINGERPRINT that does not match).
std::optional<StunMessage> parse_stun(std::span<const uint8_t> datagram);

// True when the message's MESSAGE-INTEGRITY is the HMAC-SHA1 of what precedes it under `password`.
bool stun_integrity_ok(std::span<const uint8_t> datagram, const StunMessage& message, std::string_view password);

// A binding success response carrying XOR-MAPPED-ADDRESS (where the request came from),
// MESSAGE-INTEGRITY under `password` and FINGERPRINT.
std::vector<uint8_t> stun_binding_success(const StunMessage& request, const sockaddr_storage& from,
                                          std::string_view password);
// A binding error response (400 Bad Request, 401 Unauthorized, …) with FINGERPRINT.
std::vector<uint8_t> stun_binding_error(const StunMessage& request, int code, std::string_view reason);

// A binding request as an ICE agent's peer sends it (tests): USERNAME, PRIORITY, optional
// USE-CANDIDATE, MESSAGE-INTEGRITY under `password`, FINGERPRINT.
std::vector<uint8_t> stun_binding_request(std::string_view username, std::string_view password, bool use_candidate,
                                          std::array<uint8_t, 12> transaction);

// The XOR-MAPPED-ADDRESS of a success response (tests); nullopt when absent or malformed.
std::optional<sockaddr_storage> stun_mapped_address(std::span<const uint8_t> response);

}  // namespace nvcast::webrtc
