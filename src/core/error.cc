#include "nvcast/error.h"

namespace nvcast {

const char* to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::InvalidArgument: return "invalid argument";
        case ErrorCode::Unsupported: return "unsupported";
        case ErrorCode::Unavailable: return "unavailable";
        case ErrorCode::Io: return "I/O error";
        case ErrorCode::InvalidData: return "invalid data";
        case ErrorCode::EncoderFailure: return "encoder failure";
        case ErrorCode::ResourceExhausted: return "resource exhausted";
        case ErrorCode::DeviceLost: return "device lost";
        case ErrorCode::InvalidState: return "invalid state";
    }
    return "unknown error";
}

}  // namespace nvcast
