// Ctrl-C / SIGTERM for the long-running commands (encode, stream, receive): the first signal
// asks the command to stop cleanly — flush the encoder, finalise the output, print the summary
// — and a second one ends the process at once by the signal's default action.
#pragma once

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

}  // namespace nvcast::cli
