// One encoded access unit (one frame's worth of bitstream) with its statistics.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

namespace nvcast {

enum class FrameType { Unknown, IDR, I, P, B };
std::string_view to_string(FrameType type) noexcept;

struct Packet {
    std::vector<uint8_t> data;  // Annex-B for H.264/HEVC, OBUs (low-overhead format) for AV1
    int64_t pts = 0;
    int64_t dts = 0;
    FrameType type = FrameType::Unknown;
    bool keyframe = false;     // a decoder can start here: IDR/IRAP/key frame, or an intra-refresh recovery point
    int qp = -1;               // average QP of the frame; -1 where the backend doesn't say
    // When the source frame became available (set by the pipeline; the clock's epoch = unknown), so
    // that sinks can measure latency from frame to network.
    std::chrono::steady_clock::time_point available{};

    size_t size() const noexcept { return data.size(); }
};

}  // namespace nvcast
