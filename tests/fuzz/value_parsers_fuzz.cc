// libFuzzer target for the parsers of option values users type: bitrates, frame sizes, pixel
// formats, codecs, tunings, rate-control modes. Each either returns a value in its documented
// range or throws nvcast::Error; nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nvcast/config.h"
#include "nvcast/error.h"
#include "nvcast/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        if (nvcast::parse_bitrate(text) <= 0) std::abort();
    } catch (const nvcast::Error&) {
    }
    if (const auto s = nvcast::parse_frame_size(text); s && (s->first <= 0 || s->second <= 0)) std::abort();
    try {
        (void)nvcast::parse_pixel_format(text);
    } catch (const nvcast::Error&) {
    }
    try {
        (void)nvcast::parse_codec(text);
    } catch (const nvcast::Error&) {
    }
    try {
        (void)nvcast::parse_tuning(text);
    } catch (const nvcast::Error&) {
    }
    try {
        (void)nvcast::parse_rate_control(text);
    } catch (const nvcast::Error&) {
    }
    return 0;
}
