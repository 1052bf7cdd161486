// libFuzzer target for pipeline files (TOML): parsing only, with sources that cannot open (the
// fuzzer must not create files), so every input either parses or throws nvcast::Error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "nvcast/error.h"
#include "nvcast/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // Outputs are opened only by Pipeline, never by the parser; inputs other than synthetic: must
    // exist. A huge synthetic size would allocate: the source refuses beyond 16384 per side. A ':'
    // can make an input a URL or a capture device (rtsp://, lavfi:), which a fuzzer must not open.
    if (text.find("synthetic") != std::string_view::npos || text.find(':') != std::string_view::npos) return 0;
    try {
        (void)nvcast::parse_pipeline_file(text, "fuzz.toml");
    } catch (const nvcast::Error&) {
    }
    return 0;
}
