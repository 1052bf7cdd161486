#include "pipeline/placement.h"

#include <string>

#include "nvcast/config.h"
#include "nvcast/error.h"

namespace nvcast::pipeline {

std::vector<int> place_streams(const std::vector<gpu::DeviceInfo>& gpus, const std::vector<StreamDemand>& streams) {
    std::vector<int> placed(streams.size(), kAutoGpu);
    std::vector<double> load(gpus.size(), 0);
    auto slot_of = [&](int index) -> int {
        for (size_t g = 0; g < gpus.size(); ++g)
            if (gpus[g].index == index) return static_cast<int>(g);
        return -1;
    };
    for (size_t s = 0; s < streams.size(); ++s) {
        const int wanted = streams[s].requested_gpu;
        if (wanted == kAutoGpu) continue;
        const int slot = slot_of(wanted);
        // Without a GPU at all the backend itself reports what is missing; with GPUs, a wrong index is ours to name.
        if (slot < 0 && !gpus.empty())
            throw Error(ErrorCode::InvalidArgument, "gpu " + std::to_string(wanted) + " does not exist (" +
                                                        std::to_string(gpus.size()) + " GPU(s) found)");
        placed[s] = wanted;
        if (slot >= 0) load[static_cast<size_t>(slot)] += streams[s].pixel_rate;
    }
    if (gpus.empty()) return placed;
    for (size_t s = 0; s < streams.size(); ++s) {
        if (streams[s].requested_gpu != kAutoGpu || !streams[s].uses_gpu) continue;
        size_t best = 0;
        for (size_t g = 1; g < gpus.size(); ++g) {
            if (load[g] < load[best] || (load[g] == load[best] && gpus[g].free_bytes > gpus[best].free_bytes)) best = g;
        }
        placed[s] = gpus[best].index;
        load[best] += streams[s].pixel_rate;
    }
    return placed;
}

}  // namespace nvcast::pipeline
