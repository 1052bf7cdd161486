// One frame's duration in a time base: the rule sources, the pipeline and muxers share.
#pragma once

#include <algorithm>
#include <cstdint>

namespace nvcast {

// 1/fps seconds (fps = fps_num/fps_den) in units of tb_num/tb_den seconds, rounded to the
// nearest unit (halves up), at least 1. Each term is a 32-bit rational's part, so the products fit.
inline int64_t frame_duration_in(int32_t fps_num, int32_t fps_den, int64_t tb_num, int64_t tb_den) {
    const int64_t num = int64_t{fps_den} * static_cast<int32_t>(tb_den);
    const int64_t den = int64_t{fps_num} * static_cast<int32_t>(tb_num);
    if (den <= 0 || num <= 0) return 1;
    return std::max<int64_t>(1, (num + den / 2) / den);
}

}  // namespace nvcast
