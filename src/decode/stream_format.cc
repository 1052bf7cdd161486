#include "decode/stream_format.h"

#include <cctype>
#include <string>

namespace nvcast::nvdec {

std::string_view to_string(InputCodec codec) {
    switch (codec) {
        case InputCodec::H264: return "H.264";
        case InputCodec::HEVC: return "HEVC";
        case InputCodec::VP9: return "VP9";
        case InputCodec::AV1: return "AV1";
    }
    return "unknown codec";
}

std::optional<InputCodec> parse_input_codec(std::string_view name) {
    std::string s;
    for (char c : name) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "h264" || s == "avc" || s == "h.264") return InputCodec::H264;
    if (s == "hevc" || s == "h265" || s == "h.265") return InputCodec::HEVC;
    if (s == "vp9") return InputCodec::VP9;
    if (s == "av1") return InputCodec::AV1;
    return std::nullopt;
}

}  // namespace nvcast::nvdec
