#include "ipc/subscriber_endpoint.h"

#include <chrono>
#include <cstring>
#include <thread>

#include "ipc/frame_channel.h"
#include "nvcast/error.h"

namespace nvcast::ipc {

std::string seconds_text(double s) {
    std::string t = std::to_string(s);
    t.erase(t.find_last_not_of('0') + 1);
    if (t.back() == '.') t.pop_back();
    return t + " s";
}

Greeting await_publisher(const std::string& address, const std::string& label, double timeout_s,
                         const std::atomic<bool>& interrupted, const std::string& hint) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    for (;;) {
        if (interrupted) throw Error(ErrorCode::InvalidState, label + ": interrupted while waiting for the publisher");
        if (auto s = SeqPacketSocket::connect(address)) {
            Greeting g;
            g.hello.resize(kMaxMessageBytes);
            size_t n = 0;
            const int wait_ms = static_cast<int>(std::max(0.0, timeout_s - elapsed()) * 1000) + 100;
            if (s->receive(g.hello.data(), g.hello.size(), n, wait_ms, &g.fds) == SeqPacketSocket::Received::Message) {
                g.hello.resize(n);
                MessageType type{};
                if (n >= sizeof type) std::memcpy(&type, g.hello.data(), sizeof type);
                if (type == MessageType::Busy) throw Error(ErrorCode::Unavailable, label + " already has a subscriber (one at a time)");
                g.socket = std::move(*s);
                return g;
            }
            // It went away between accepting and greeting: try again.
        }
        if (elapsed() > timeout_s)
            throw Error(ErrorCode::Unavailable, label + ": no publisher (waited " + seconds_text(timeout_s) + "; " + hint + ")");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace nvcast::ipc
