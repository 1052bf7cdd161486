// libFuzzer target for what a WebRTC viewer's socket reads before anything is authenticated:
// the datagram classifier and the STUN parser (never reading past the datagram, FINGERPRINT and
// MESSAGE-INTEGRITY checked without crashing), and the answer built to whatever parsed.
#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "net/webrtc/stun.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> datagram(data, size);
    nvcast::webrtc::classify_datagram(datagram);
    const auto message = nvcast::webrtc::parse_stun(datagram);
    if (!message) return 0;
    if (size < 20 || (message->username && message->username->size() > size)) std::abort();
    if (message->has_integrity && message->integrity_offset + 24 > size) std::abort();
    nvcast::webrtc::stun_integrity_ok(datagram, *message, "password-password-1234");
    sockaddr_storage from{};
    from.ss_family = AF_INET;
    const auto reply = nvcast::webrtc::stun_binding_success(*message, from, "password-password-1234");
    if (!nvcast::webrtc::parse_stun(reply)) std::abort();  // what we send must parse
    nvcast::webrtc::stun_mapped_address(datagram);
    return 0;
}
