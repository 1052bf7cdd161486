// libFuzzer target for one RTP depayloader (codec chosen at build time by NVCAST_FUZZ_CODEC).
// Input: a sequence of packets, each a 2-byte big-endian length followed by that many bytes.
// The depayloader must never crash, and whatever it calls complete must be well-formed; each packet
// wrapped as RFC 4588 RTX must unwrap to the same header and payload.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "nvcast/bitstream.h"
#include "nvcast/error.h"
#include "nvcast/rtp.h"

namespace {

void check_rtx_round_trip(std::span<const uint8_t> packet) {
    using namespace nvcast::rtp;
    std::span<const uint8_t> payload;
    const auto header = parse_packet(packet, &payload);
    const auto rtx = make_rtx_packet(packet, 97, 0x5eed, 7);
    if (!header) {
        if (!rtx.empty()) std::abort();  // only RTP is wrapped
        return;
    }
    const auto back = original_from_rtx(rtx, header->payload_type, header->ssrc);
    // Byte for byte: the original's header (padding bit cleared) and payload, its padding gone.
    std::vector<uint8_t> expected(packet.begin(), packet.begin() + (payload.data() - packet.data()));
    expected[0] &= 0xdf;
    expected.insert(expected.end(), payload.begin(), payload.end());
    if (!back || *back != expected) std::abort();
}

}  // namespace

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
        check_rtx_round_trip({data + pos, take});
        pos += take;
        check();
    }
    depayloader->flush();
    check();
    return 0;
}
