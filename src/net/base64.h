// Internal: base64 (RFC 4648) for SDP parameter sets and SRTP keys.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nvcast::rtp::detail {

std::string base64_encode(std::span<const uint8_t> data);
// nullopt on characters outside the alphabet or bad padding.
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace nvcast::rtp::detail
