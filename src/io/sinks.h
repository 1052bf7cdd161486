// Concrete sink factories (internal); open_sink() picks one by extension.
#pragma once

#include <memory>
#include <string>

#include "nvcast/sink.h"

namespace nvcast {

std::unique_ptr<PacketSink> open_annexb_sink(const std::string& path, const StreamInfo& info);
std::unique_ptr<PacketSink> open_ivf_sink(const std::string& path, const StreamInfo& info);
std::unique_ptr<PacketSink> open_obu_sink(const std::string& path, const StreamInfo& info);
// Container formats through libavformat; `format` is its short name ("mp4", "matroska", "mpegts", "mov").
std::unique_ptr<PacketSink> open_libav_sink(const std::string& path, const StreamInfo& info, const char* format);
// Throws when the container cannot carry the codec in a file players decode.
void check_container_codec(const std::string& path, Codec codec, const char* format);
// The same for a stream of unknown size (StreamInfo 0x0): the container is created at the first
// keyframe from its parameter sets; closing with nothing written leaves no file.
std::unique_ptr<PacketSink> open_deferred_libav_sink(const std::string& path, const StreamInfo& info,
                                                     const char* format);

}  // namespace nvcast
