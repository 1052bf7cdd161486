// UDP receiver for RTP/RTCP with optional SRTP, with timeouts (never blocks forever).
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/srtp_session.h"
#include "nvcast/error.h"
#include "nvcast/stream.h"

namespace nvcast::rtp {

struct UdpReceiver::Impl {
    int fd = -1;
    uint16_t port = 0;
    std::unique_ptr<detail::SrtpSession> srtp;
    std::unique_ptr<detail::SrtpSession> reply_srtp;  // our feedback, keyed like the stream
    uint64_t auth_failures = 0;
    sockaddr_storage peer{};  // where the latest datagram came from
    socklen_t peer_len = 0;
};

UdpReceiver::UdpReceiver(const ReceiverConfig& config) : impl_(std::make_unique<Impl>()) {
    Impl& r = *impl_;
    if (config.srtp) {
        r.srtp = std::make_unique<detail::SrtpSession>(*config.srtp, detail::SrtpSession::Direction::Inbound);
        r.reply_srtp = std::make_unique<detail::SrtpSession>(*config.srtp, detail::SrtpSession::Direction::Outbound);
    }
    addrinfo hints{};
    hints.ai_family = config.local.host.empty() ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    const std::string port_text = std::to_string(config.local.port);
    const int rc = ::getaddrinfo(config.local.host.empty() ? nullptr : config.local.host.c_str(), port_text.c_str(),
                                 &hints, &res);
    if (rc != 0 || !res)
        throw Error(ErrorCode::InvalidArgument,
                    "cannot resolve local address '" + config.local.host + "': " + ::gai_strerror(rc));
    r.fd = ::socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (r.fd < 0) {
        ::freeaddrinfo(res);
        throw Error(ErrorCode::Io, std::string("cannot open a UDP socket: ") + std::strerror(errno));
    }
    if (res->ai_family == AF_INET6 && config.local.host.empty()) {
        const int off = 0;  // also receive IPv4 on the any address
        ::setsockopt(r.fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    const int buf = static_cast<int>(std::min<size_t>(config.socket_buffer_bytes, 1u << 30));
    ::setsockopt(r.fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    const int bound = ::bind(r.fd, res->ai_addr, res->ai_addrlen);
    const int err = errno;
    ::freeaddrinfo(res);
    if (bound != 0) {
        ::close(r.fd);
        throw Error(ErrorCode::Io, "cannot bind UDP port " + std::to_string(config.local.port) + ": " +
                                       std::strerror(err));
    }
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(r.fd, reinterpret_cast<sockaddr*>(&ss), &len);
    r.port = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

UdpReceiver::~UdpReceiver() {
    if (impl_->fd >= 0) ::close(impl_->fd);
}

uint16_t UdpReceiver::port() const noexcept { return impl_->port; }
uint64_t UdpReceiver::auth_failures() const noexcept { return impl_->auth_failures; }

std::optional<std::vector<uint8_t>> UdpReceiver::receive(std::chrono::milliseconds timeout, bool rtcp) {
    Impl& r = *impl_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<uint8_t> packet(65536);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                std::chrono::steady_clock::now());
        pollfd pfd{r.fd, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return std::nullopt;
        sockaddr_storage from{};
        socklen_t from_len = sizeof from;
        const ssize_t n = ::recvfrom(r.fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return std::nullopt;
        }
        packet.resize(static_cast<size_t>(n));
        if (r.srtp && !r.srtp->unprotect(packet, rtcp)) {
            ++r.auth_failures;
            packet.resize(65536);
            continue;
        }
        r.peer = from;  // only an authenticated sender gets answers
        r.peer_len = from_len;
        return packet;
    }
}

bool UdpReceiver::reply(std::span<const uint8_t> rtcp) {
    Impl& r = *impl_;
    if (r.peer_len == 0) return false;
    std::vector<uint8_t> packet(rtcp.begin(), rtcp.end());
    if (r.reply_srtp && !r.reply_srtp->protect(packet, true)) return false;
    return ::sendto(r.fd, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&r.peer), r.peer_len) ==
           static_cast<ssize_t>(packet.size());
}

}  // namespace nvcast::rtp
