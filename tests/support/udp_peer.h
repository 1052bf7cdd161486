// A throwaway UDP peer on loopback for network tests: one datagram to 127.0.0.1:port from a fresh
// socket, and the reply, if one comes within `wait`.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace nvcast::test {

// Sends `datagram`; returns the reply to it, or nullopt when none came within `wait` (0: send only).
// Returns nullopt too when the datagram could not be sent (the caller's check then fails).
inline std::optional<std::vector<uint8_t>> udp_exchange(uint16_t port, std::span<const uint8_t> datagram,
                                                        std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::nullopt;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::optional<std::vector<uint8_t>> reply;
    const bool sent = ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                               sizeof to) == static_cast<ssize_t>(datagram.size());
    pollfd p{fd, POLLIN, 0};
    if (sent && wait.count() > 0 && ::poll(&p, 1, static_cast<int>(wait.count())) > 0) {
        std::vector<uint8_t> buffer(65536);
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n >= 0) reply = std::vector<uint8_t>(buffer.begin(), buffer.begin() + n);
    }
    ::close(fd);
    return reply;
}

// True once some process has a UDP socket bound to `port` (from /proc/net/udp{,6}).
inline bool udp_port_bound(uint16_t port) {
    char hex[8];
    std::snprintf(hex, sizeof hex, ":%04X", port);
    for (const char* table : {"/proc/net/udp", "/proc/net/udp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream ls(line);
            std::string slot, local;
            ls >> slot >> local;
            if (local.size() > 5 && local.compare(local.size() - 5, 5, hex) == 0) return true;
        }
    }
    return false;
}

}  // namespace nvcast::test
