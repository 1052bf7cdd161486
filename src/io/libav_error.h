// libav error codes as text (internal; needs libavutil).
#pragma once

extern "C" {
#include <libavutil/error.h>
}

#include <string>

namespace nvcast {

inline std::string av_error(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buf, sizeof buf);
    return buf;
}

}  // namespace nvcast
