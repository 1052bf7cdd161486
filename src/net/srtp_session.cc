#include "net/srtp_session.h"

#include <mutex>
#include <string>

#include "nvcast/error.h"
#include "nvcast/features.h"

#if NVCAST_HAVE_SRTP
#include <srtp2/srtp.h>
#endif

namespace nvcast::rtp::detail {

#if NVCAST_HAVE_SRTP

namespace {
void init_library() {
    static std::once_flag once;
    static srtp_err_status_t status = srtp_err_status_ok;
    std::call_once(once, [] { status = srtp_init(); });
    if (status != srtp_err_status_ok)
        throw Error(ErrorCode::Unavailable, "libsrtp2 failed to initialise (error " + std::to_string(status) + ")");
}
}  // namespace

SrtpSession::SrtpSession(const SrtpKey& key, Direction direction) {
    init_library();
    srtp_policy_t policy{};
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    policy.ssrc.type = direction == Direction::Outbound ? ssrc_any_outbound : ssrc_any_inbound;
    unsigned char master[SrtpKey::kSize];
    std::copy(key.bytes.begin(), key.bytes.end(), master);
    policy.key = master;
    policy.window_size = 1024;
    policy.allow_repeat_tx = direction == Direction::Outbound;  // NACKed packets are sent again, same sequence
    policy.next = nullptr;
    srtp_t session = nullptr;
    const srtp_err_status_t status = srtp_create(&session, &policy);
    std::fill(std::begin(master), std::end(master), 0);
    if (status != srtp_err_status_ok)
        throw Error(ErrorCode::InvalidArgument, "SRTP session could not be created with this key (libsrtp2 error " +
                                                    std::to_string(status) + ")");
    session_ = session;
}

SrtpSession::~SrtpSession() {
    if (session_) srtp_dealloc(static_cast<srtp_t>(session_));
}

bool SrtpSession::protect(std::vector<uint8_t>& packet, bool rtcp) {
    int len = static_cast<int>(packet.size());
    packet.resize(packet.size() + kMaxTrailer);
    const srtp_err_status_t status = rtcp ? srtp_protect_rtcp(static_cast<srtp_t>(session_), packet.data(), &len)
                                          : srtp_protect(static_cast<srtp_t>(session_), packet.data(), &len);
    if (status != srtp_err_status_ok || len < 0) {
        packet.resize(packet.size() - kMaxTrailer);
        return false;
    }
    packet.resize(static_cast<size_t>(len));
    return true;
}

bool SrtpSession::unprotect(std::vector<uint8_t>& packet, bool rtcp) {
    if (packet.size() < 12) return false;
    int len = static_cast<int>(packet.size());
    const srtp_err_status_t status = rtcp ? srtp_unprotect_rtcp(static_cast<srtp_t>(session_), packet.data(), &len)
                                          : srtp_unprotect(static_cast<srtp_t>(session_), packet.data(), &len);
    if (status != srtp_err_status_ok || len < 0) return false;
    packet.resize(static_cast<size_t>(len));
    return true;
}

#else

SrtpSession::SrtpSession(const SrtpKey&, Direction) {
    throw Error(ErrorCode::Unsupported, "SRTP needs libsrtp2, which this build of nvcast lacks (install libsrtp2-dev)");
}
SrtpSession::~SrtpSession() = default;
bool SrtpSession::protect(std::vector<uint8_t>&, bool) { return false; }
bool SrtpSession::unprotect(std::vector<uint8_t>&, bool) { return false; }

#endif

}  // namespace nvcast::rtp::detail
