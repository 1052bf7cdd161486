// Which GPU each stream runs on. Streams that ask for a GPU index keep it; the others that use
// a GPU (gpu = auto) go to the least-loaded one, load being the pixel rate already placed there
// (ties: more free memory, then the lower index). Written for any number of GPUs; with none,
// every stream stays kAutoGpu (CPU paths). NVENC's concurrent-session limit is not known before
// a session is opened: a stream that hits it falls back or is refused when its encoder opens.
#pragma once

#include <vector>

#include "gpu/devices.h"

namespace nvcast::pipeline {

struct StreamDemand {
    int requested_gpu = -1;   // a fixed index, or kAutoGpu
    double pixel_rate = 0;    // width * height * fps
    bool uses_gpu = true;     // false: a CPU-only stream, left kAutoGpu
};

// One GPU index (or kAutoGpu) per stream. Throws Error(InvalidArgument) for a requested index
// no GPU has, naming it and how many there are.
std::vector<int> place_streams(const std::vector<gpu::DeviceInfo>& gpus, const std::vector<StreamDemand>& streams);

}  // namespace nvcast::pipeline
