// RFC 4588 §4: an RTX packet is the original's header under the retransmission stream's payload
// type, SSRC and sequence number, with the original sequence number (OSN) ahead of the payload.
#include "nvcast/rtp.h"

namespace nvcast::rtp {
namespace {

// The header bytes of a parsed packet: fixed header, CSRCs and extension, i.e. all before the payload
// (parse_packet's payload is a view into the packet).
size_t header_length(std::span<const uint8_t> packet, std::span<const uint8_t> payload) {
    return static_cast<size_t>(payload.data() - packet.data());
}

// Rewrites payload type (keeping the marker bit), sequence number and SSRC of a header in place;
// clears the padding bit, since neither rewritten packet keeps the other's padding.
void rewrite_header(uint8_t* h, uint8_t payload_type, uint16_t sequence, uint32_t ssrc) {
    h[0] &= static_cast<uint8_t>(~0x20);
    h[1] = static_cast<uint8_t>((h[1] & 0x80) | (payload_type & 0x7f));
    h[2] = static_cast<uint8_t>(sequence >> 8);
    h[3] = static_cast<uint8_t>(sequence);
    for (int i = 0; i < 4; ++i) h[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
}

}  // namespace

std::vector<uint8_t> make_rtx_packet(std::span<const uint8_t> original, uint8_t rtx_payload_type, uint32_t rtx_ssrc,
                                     uint16_t rtx_sequence) {
    std::span<const uint8_t> payload;
    const auto header = parse_packet(original, &payload);
    if (!header) return {};
    const size_t head = header_length(original, payload);
    std::vector<uint8_t> out;
    out.reserve(head + 2 + payload.size());
    out.insert(out.end(), original.begin(), original.begin() + static_cast<std::ptrdiff_t>(head));
    rewrite_header(out.data(), rtx_payload_type, rtx_sequence, rtx_ssrc);
    out.push_back(static_cast<uint8_t>(header->sequence >> 8));
    out.push_back(static_cast<uint8_t>(header->sequence));
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

std::optional<std::vector<uint8_t>> original_from_rtx(std::span<const uint8_t> rtx, uint8_t media_payload_type,
                                                      uint32_t media_ssrc) {
    std::span<const uint8_t> payload;
    if (!parse_packet(rtx, &payload) || payload.size() < 2) return std::nullopt;
    const size_t head = header_length(rtx, payload);
    const auto osn = static_cast<uint16_t>(payload[0] << 8 | payload[1]);
    std::vector<uint8_t> out(rtx.begin(), rtx.begin() + static_cast<std::ptrdiff_t>(head));
    rewrite_header(out.data(), media_payload_type, osn, media_ssrc);
    out.insert(out.end(), payload.begin() + 2, payload.end());
    return out;
}

}  // namespace nvcast::rtp
