#include "ipc/seqpacket_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nvcast/error.h"

namespace nvcast::ipc {
namespace {

// Abstract namespace: sun_path starts with a NUL and the length counts only the bytes used.
socklen_t abstract_address(const std::string& address, sockaddr_un& sa) {
    std::memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    const size_t n = std::min(address.size(), sizeof(sa.sun_path) - 1);
    std::memcpy(sa.sun_path + 1, address.data(), n);
    return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + n);
}

int new_socket() {
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) throw Error(ErrorCode::Io, std::string("ipc: cannot create a Unix socket: ") + std::strerror(errno));
    return fd;
}

}  // namespace

SeqPacketSocket::~SeqPacketSocket() { close(); }

SeqPacketSocket& SeqPacketSocket::operator=(SeqPacketSocket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

void SeqPacketSocket::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

SeqPacketSocket SeqPacketSocket::listen(const std::string& address, const std::string& what) {
    SeqPacketSocket s(new_socket());
    sockaddr_un sa;
    const socklen_t len = abstract_address(address, sa);
    if (::bind(s.fd_, reinterpret_cast<const sockaddr*>(&sa), len) != 0) {
        const int e = errno;
        if (e == EADDRINUSE) throw Error(ErrorCode::Io, what + " is already published by another process");
        throw Error(ErrorCode::Io, "ipc: cannot listen for " + what + ": " + std::strerror(e));
    }
    if (::listen(s.fd_, 4) != 0) throw Error(ErrorCode::Io, "ipc: cannot listen for " + what + ": " + std::strerror(errno));
    ::fcntl(s.fd_, F_SETFL, ::fcntl(s.fd_, F_GETFL) | O_NONBLOCK);
    return s;
}

std::optional<SeqPacketSocket> SeqPacketSocket::connect(const std::string& address) {
    SeqPacketSocket s(new_socket());
    sockaddr_un sa;
    const socklen_t len = abstract_address(address, sa);
    if (::connect(s.fd_, reinterpret_cast<const sockaddr*>(&sa), len) != 0) return std::nullopt;
    return s;
}

SeqPacketSocket SeqPacketSocket::accept() const {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    return SeqPacketSocket(fd >= 0 ? fd : -1);
}

bool SeqPacketSocket::send(const void* data, size_t size, std::span<const int> pass_fds) const {
    iovec iov{const_cast<void*>(data), size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(kMaxPassedFds * sizeof(int))];
    if (pass_fds.size() > kMaxPassedFds) return false;
    if (!pass_fds.empty()) {
        std::memset(control, 0, sizeof control);
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(pass_fds.size() * sizeof(int));
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(pass_fds.size() * sizeof(int));
        std::memcpy(CMSG_DATA(c), pass_fds.data(), pass_fds.size() * sizeof(int));
    }
    for (;;) {
        const ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
        if (n >= 0) return true;
        if (errno != EINTR) return false;
    }
}

SeqPacketSocket::Received SeqPacketSocket::receive(void* data, size_t capacity, size_t& size, int timeout_ms,
                                                   std::vector<OwnedFd>* received_fds) const {
    if (received_fds) received_fds->clear();
    pollfd p{fd_, POLLIN, 0};
    int r;
    do r = ::poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r == 0) return Received::Timeout;
    iovec iov{data, capacity};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(kMaxPassedFds * sizeof(int))];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    // A peer that closed with messages of ours unread leaves ECONNRESET, which Linux reports once and
    // ahead of the messages that peer sent before closing (its End): read on to take them.
    ssize_t n;
    int resets = 0;
    do n = ::recvmsg(fd_, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    while (n < 0 && (errno == EINTR || (errno == ECONNRESET && resets++ == 0)));
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Received::Timeout;
    if (n <= 0) return Received::Closed;  // 0: orderly close; <0: reset
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int fd = -1;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            OwnedFd owned(fd);  // closed here unless the caller wants it
            if (received_fds) received_fds->push_back(std::move(owned));
        }
    }
    size = static_cast<size_t>(n);
    return Received::Message;
}

}  // namespace nvcast::ipc
