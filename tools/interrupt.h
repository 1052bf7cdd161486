// Ctrl-C / SIGTERM for the long-running commands (encode, stream, receive): the first signal
// asks the command to stop cleanly — flush the encoder, finalise the output, print the summary
// — and a second one ends the process at once by the signal's default action.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace nvcast::cli {

// Installs the handlers for its lifetime (restores the previous ones after).
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// Whether a first SIGINT/SIGTERM arrived.
bool interrupted();
// "SIGINT" or "SIGTERM".
const char* interrupt_name();
// Exit status for an interrupted command: 128 + the signal number (130 for SIGINT).
int interrupt_exit_code();

// Calls `stop` once, from a helper thread, when the first signal arrives: for commands blocked in
// waits (a subscriber, a publisher, a live input) that end only when told to. Stops watching when
// destroyed.
class InterruptForwarder {
public:
    explicit InterruptForwarder(std::function<void()> stop);
    ~InterruptForwarder();
    InterruptForwarder(const InterruptForwarder&) = delete;
    InterruptForwarder& operator=(const InterruptForwarder&) = delete;

private:
    std::atomic<bool> done_{false};
    std::thread thread_;
};

}  // namespace nvcast::cli
