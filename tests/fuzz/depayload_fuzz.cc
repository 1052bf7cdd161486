// libFuzzer target for one RTP depayloader (codec chosen at build time by NVCAST_FUZZ_CODEC).
// Input: a sequence of packets, each a 2-byte big-endian length followed by that many bytes.
// The depayloader must never crash, and whatever it calls complete must be well-formed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "nvcast/bitstream.h"
#include "nvcast/error.h"
#include "nvcast/rtp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    nvcast::rtp::DepayloaderConfig config;
    config.codec = nvcast::Codec::NVCAST_FUZZ_CODEC;
    config.reorder_window = size > 0 ? 1 + data[0] % 32 : 8;
    auto depayloader = nvcast::rtp::Depayloader::create(config);
    auto check = [&] {
        while (auto frame = depayloader->pop()) {
            if (!frame->complete) {
                if (!frame->data.empty()) std::abort();
                continue;
            }
            if (config.codec == nvcast::Codec::AV1) {
                try {
                    nvcast::parse_obus(frame->data);
                } catch (const nvcast::Error&) {
                    std::abort();  // a "complete" temporal unit must parse
                }
            }
        }
    };
    size_t pos = size > 0 ? 1 : 0;
    while (pos + 2 <= size) {
        const size_t n = static_cast<size_t>(data[pos]) << 8 | data[pos + 1];
        pos += 2;
        const size_t take = n < size - pos ? n : size - pos;
        depayloader->push({data + pos, take});
        pos += take;
        check();
    }
    depayloader->flush();
    check();
    return 0;
}
