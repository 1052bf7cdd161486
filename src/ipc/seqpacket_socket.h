// A connected or listening SOCK_SEQPACKET Unix socket in the abstract namespace (no file to
// clean up): whole messages, up to kMaxPassedFds file descriptors riding along (SCM_RIGHTS), and a hang-up
// the moment the peer process dies.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ipc/owned_fd.h"

namespace nvcast::ipc {

// The most descriptors one message carries (a device ring: its allocation and its flags).
constexpr size_t kMaxPassedFds = 2;

class SeqPacketSocket {
public:
    SeqPacketSocket() = default;
    explicit SeqPacketSocket(int fd) : fd_(fd) {}
    ~SeqPacketSocket();
    SeqPacketSocket(SeqPacketSocket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    SeqPacketSocket& operator=(SeqPacketSocket&& other) noexcept;
    SeqPacketSocket(const SeqPacketSocket&) = delete;
    SeqPacketSocket& operator=(const SeqPacketSocket&) = delete;

    // Listens on abstract address `address`; Error(Io) when it is taken.
    static SeqPacketSocket listen(const std::string& address, const std::string& what);
    // Connects to `address`; nullopt when nobody listens there.
    static std::optional<SeqPacketSocket> connect(const std::string& address);

    bool valid() const noexcept { return fd_ >= 0; }
    int fd() const noexcept { return fd_; }
    void close();

    // A pending connection of a listening socket, or an invalid socket when none.
    SeqPacketSocket accept() const;
    // Sends one message (and the descriptors `pass_fds`, at most kMaxPassedFds); false when the peer is gone.
    bool send(const void* data, size_t size, std::span<const int> pass_fds = {}) const;

    enum class Received { Message, Timeout, Closed };
    // Waits up to timeout_ms (-1: forever) for one message into data (at most `capacity` bytes);
    // descriptors that came with it land in *received_fds (closed when it is null). `size` gets the length.
    Received receive(void* data, size_t capacity, size_t& size, int timeout_ms,
                     std::vector<OwnedFd>* received_fds = nullptr) const;

private:
    int fd_ = -1;
};

}  // namespace nvcast::ipc
