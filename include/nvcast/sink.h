// Bitstream sinks chosen by file extension: Annex-B, IVF, or a container via libavformat.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nvcast/config.h"
#include "nvcast/packet.h"
#include "nvcast/source.h"

namespace nvcast {

struct StreamInfo {
    Codec codec = Codec::H264;
    int width = 0;
    int height = 0;
    int fps_num = 30;
    int fps_den = 1;
    ColorDescription color;
    std::vector<uint8_t> codec_headers;  // SPS/PPS(/VPS) or AV1 sequence header
    // The unit of Packet::pts/dts: time_base_num/time_base_den seconds; 0/0 = one frame (1/fps).
    int time_base_num = 0;
    int time_base_den = 0;
    // The input's other streams (audio) for a container output to carry; nullptr = none.
    std::shared_ptr<CarriedMedia> carried;

    // The time base as a fraction of a second, frames when unset.
    int64_t tb_num() const noexcept { return time_base_den > 0 ? time_base_num : fps_den; }
    int64_t tb_den() const noexcept { return time_base_den > 0 ? time_base_den : fps_num; }
};

// What an encoder with this config produces, for opening its sinks (frame time base, no audio).
StreamInfo stream_info_for(const EncoderConfig& config, std::vector<uint8_t> codec_headers = {});

class PacketSink {
public:
    virtual ~PacketSink() = default;
    virtual void write(const Packet& packet) = 0;
    // Finalizes the file (container trailer). Called by the destructor if not called.
    virtual void close() = 0;
};

// .h264/.264/.avc, .h265/.265/.hevc: Annex-B; .ivf: IVF (AV1); .obu: raw OBUs;
// .mp4/.mov/.mkv/.ts: libavformat. Throws Error for an unknown extension, a codec
// that doesn't fit the container, or an unwritable path. A container for a stream whose size
// is unknown (width/height 0, e.g. received RTP) is created at the first keyframe, from its
// parameter sets.
std::unique_ptr<PacketSink> open_sink(const std::string& path, const StreamInfo& info);

}  // namespace nvcast
