// What a compressed input stream is, as far as choosing and opening a decoder goes.
// Free of any NVIDIA header, so sources can name codecs whether or not NVDEC is built.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace nvcast::nvdec {

enum class InputCodec { H264, HEVC, VP9, AV1 };

std::string_view to_string(InputCodec codec);
// "h264"/"avc", "hevc"/"h265", "vp9", "av1" (case-insensitive); nullopt otherwise.
std::optional<InputCodec> parse_input_codec(std::string_view name);

// 4:2:0 only: the decoder outputs NV12 (8-bit) or P010 (10-bit).
struct StreamFormat {
    InputCodec codec = InputCodec::H264;
    int width = 0;   // display size; 0 = not known yet (checked when the stream says)
    int height = 0;
    int bit_depth = 8;
};

// A packet without a timestamp (e.g. a chunk of an Annex-B byte stream): the decoder then
// numbers its frames in display order.
inline constexpr int64_t kNoPts = std::numeric_limits<int64_t>::min();

}  // namespace nvcast::nvdec
