// The subscribing side of a channel: finding the publisher (waiting for it to start or to come
// back) and taking its Hello, with the descriptors that ride along.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "ipc/seqpacket_socket.h"

namespace nvcast::ipc {

struct Greeting {
    SeqPacketSocket socket;
    std::vector<char> hello;  // the publisher's first message
    std::vector<OwnedFd> fds; // the descriptors that came with it (closed unless taken)
};

// Connects to `address` and reads its first message, retrying until timeout_s has passed.
// Error(Unavailable) when no publisher comes (with `hint` on how to start one), when it says Busy,
// or Error(InvalidState) when `interrupted` is set.
Greeting await_publisher(const std::string& address, const std::string& label, double timeout_s,
                         const std::atomic<bool>& interrupted, const std::string& hint);

// "2.5 s" for messages.
std::string seconds_text(double s);

}  // namespace nvcast::ipc
