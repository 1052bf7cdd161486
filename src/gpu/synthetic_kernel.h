// Synthetic frames drawn straight into device memory (the cuda-synthetic: source): a detailed
// texture panning across the frame plus per-frame grain, like the CPU synthetic source but made
// on the GPU so that it outruns every encoder and no pixel crosses the PCIe bus.
#pragma once

#include <cstdint>

namespace nvcast::gpu {

struct SyntheticPlanes {
    uint8_t* y = nullptr;
    uint8_t* u = nullptr;   // I420: U plane; NV12: interleaved UV plane
    uint8_t* v = nullptr;   // I420 only
    int pitch_y = 0, pitch_uv = 0;
    int width = 0, height = 0;
    bool interleaved_uv = false;  // NV12
};

void launch_synthetic(const SyntheticPlanes& planes, int64_t frame_index, uint32_t seed, void* stream);

}  // namespace nvcast::gpu
