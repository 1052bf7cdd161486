// Reuses a frame's memory when format and size match (internal).
#pragma once

#include "nvcast/frame.h"

namespace nvcast {

inline void ensure_frame(Frame& frame, PixelFormat format, int width, int height) {
    if (frame.empty() || frame.format() != format || frame.width() != width || frame.height() != height ||
        frame.memory() != MemoryType::Host)
        frame = Frame::allocate(format, width, height);
}

}  // namespace nvcast
