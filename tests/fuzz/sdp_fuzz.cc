// libFuzzer target for the SDP parser (`nvcast receive x.sdp` reads files anyone may hand it):
// it returns a session whose port is in 1..65535 or throws nvcast::Error; nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nvcast/error.h"
#include "nvcast/sdp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const nvcast::rtp::SdpSession s = nvcast::rtp::parse_sdp(text, "fuzz.sdp");
        if (s.port == 0) std::abort();
        if (s.payload_type && *s.payload_type > 127) std::abort();
    } catch (const nvcast::Error&) {
    }
    return 0;
}
