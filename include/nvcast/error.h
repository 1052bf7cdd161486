// nvcast error type: one exception class with a machine-readable code and a
// message that names what went wrong and what the user can do about it.
#pragma once

#include <stdexcept>
#include <string>

namespace nvcast {

enum class ErrorCode {
    InvalidArgument,   // a config field or option out of range
    Unsupported,       // the backend/library/device cannot do what was asked
    Unavailable,       // backend or hardware not present on this machine
    Io,                // file missing, unreadable, unwritable, truncated
    InvalidData,       // malformed input (bad header, wrong size)
    EncoderFailure,    // the encoder library reported an error
    ResourceExhausted, // out of memory, session limit reached
    DeviceLost,        // GPU/session gone mid-stream
    InvalidState,      // call out of order (e.g. send after flush)
};

const char* to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    ErrorCode code() const noexcept { return code_; }

private:
    ErrorCode code_;
};

}  // namespace nvcast
