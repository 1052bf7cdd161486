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

}  // namespace nvcast
