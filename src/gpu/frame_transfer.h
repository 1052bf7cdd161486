// Copying a frame's pixel rows between host and device memory (either direction, or device to
// device), queued on a CUDA stream. The one place frames cross the bus.
#pragma once

#include "nvcast/frame.h"

namespace nvcast::gpu {

// Copies `src` into `dst` (same format and size; any memory). Device copies are queued on `stream`
// (a cudaStream_t; the caller waits where it needs the result). Host to host copies at once.
// Throws Error(Unavailable) for a device frame in a build without CUDA.
void copy_frame(const Frame& src, Frame& dst, void* stream);
// The same on the default stream, returning when the copy is done.
void copy_frame_now(const Frame& src, Frame& dst);

}  // namespace nvcast::gpu
