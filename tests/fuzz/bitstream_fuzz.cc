// libFuzzer target for the bitstream parsers that read outside data: Annex-B splitting, AV1 OBU
// parsing, LEB128 and keyframe detection for every codec. They may reject input (nvcast::Error)
// but never crash, and what they return must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "nvcast/bitstream.h"
#include "nvcast/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> in(data, size);
    auto inside = [&](const uint8_t* p, size_t n) {
        if (n && (p < data || p + n > data + size)) std::abort();
    };
    for (const nvcast::NalUnit& n : nvcast::split_annexb(in)) inside(n.data, n.size);
    try {
        for (const nvcast::Obu& o : nvcast::parse_obus(in)) {
            inside(o.header, o.header_size);
            inside(o.payload, o.payload_size);
        }
    } catch (const nvcast::Error&) {
    }
    uint64_t value = 0;
    if (nvcast::read_leb128(data, size, &value) > size) std::abort();
    for (nvcast::Codec c : {nvcast::Codec::H264, nvcast::Codec::HEVC, nvcast::Codec::AV1}) {
        try {
            (void)nvcast::is_keyframe_access_unit(c, in);
        } catch (const nvcast::Error&) {
        }
    }
    return 0;
}
