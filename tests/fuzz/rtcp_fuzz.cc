// libFuzzer target for the RTCP sender-report parser (receivers read RTCP from the network):
// it returns a report or nullopt, never reads past the packet, and a CNAME it returns lies
// inside the packet.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "nvcast/stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto report = nvcast::rtp::parse_sender_report(std::span<const uint8_t>(data, size));
    if (report && (size < 28 || report->cname.size() > size)) std::abort();
    return 0;
}
