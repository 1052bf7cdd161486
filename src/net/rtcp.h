// Internal: RTCP packets the sender emits (RFC 3550 §6.4.1 SR, §6.5 SDES, §6.6 BYE).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nvcast::rtp::detail {

uint64_t ntp_now();  // 32.32 fixed point seconds since 1900
// Compound packet SR + SDES(CNAME).
std::vector<uint8_t> make_sender_report(uint32_t ssrc, uint64_t ntp, uint32_t rtp_timestamp, uint32_t packets,
                                        uint32_t octets, const std::string& cname);
// Compound packet SR + SDES(CNAME) + BYE.
std::vector<uint8_t> make_bye(uint32_t ssrc, uint64_t ntp, uint32_t rtp_timestamp, uint32_t packets, uint32_t octets,
                              const std::string& cname);

}  // namespace nvcast::rtp::detail
