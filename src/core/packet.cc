#include "nvcast/packet.h"

namespace nvcast {

std::string_view to_string(FrameType type) noexcept {
    switch (type) {
        case FrameType::IDR: return "IDR";
        case FrameType::I: return "I";
        case FrameType::P: return "P";
        case FrameType::B: return "B";
        case FrameType::Unknown: break;
    }
    return "unknown";
}

}  // namespace nvcast
