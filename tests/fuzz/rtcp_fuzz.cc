// libFuzzer target for the RTCP parsers (senders and receivers read RTCP from the network): the
// sender-report parser and the feedback parser return a result or nullopt, never read past the
// packet, and what they return is bounded by the packet (a CNAME inside it; at most 17 NACKed
// sequence numbers per 4 bytes of FCI, a report block per 24 bytes).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "nvcast/stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> packet(data, size);
    const auto report = nvcast::rtp::parse_sender_report(packet);
    if (report && (size < 28 || report->cname.size() > size)) std::abort();
    // The media SSRC the feedback must name: the one the packet's first feedback message names, if any.
    const uint32_t media = size >= 12 ? static_cast<uint32_t>(data[8] << 24 | data[9] << 16 | data[10] << 8 | data[11]) : 0;
    const auto feedback = nvcast::rtp::parse_feedback(packet, media);
    if (feedback && (feedback->nacked.size() > size / 4 * 17 || feedback->reports.size() > size / 24)) std::abort();
    return 0;
}
