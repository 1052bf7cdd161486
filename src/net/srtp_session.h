// Internal: one libsrtp2 session (AES_CM_128_HMAC_SHA1_80 for RTP and RTCP).
#pragma once

#include <cstdint>
#include <vector>

#include "nvcast/stream.h"

namespace nvcast::rtp::detail {

class SrtpSession {
public:
    static constexpr size_t kMaxTrailer = 148;  // >= SRTP_MAX_TRAILER_LEN
    enum class Direction { Outbound, Inbound };
    SrtpSession(const SrtpKey& key, Direction direction);  // throws Error(Unsupported) without libsrtp2
    ~SrtpSession();
    SrtpSession(const SrtpSession&) = delete;
    SrtpSession& operator=(const SrtpSession&) = delete;

    // In place; `packet` grows by the authentication tag (and SRTCP index). False on failure.
    bool protect(std::vector<uint8_t>& packet, bool rtcp);
    // In place; false when authentication or replay checks fail.
    bool unprotect(std::vector<uint8_t>& packet, bool rtcp);

private:
    void* session_ = nullptr;
};

}  // namespace nvcast::rtp::detail
