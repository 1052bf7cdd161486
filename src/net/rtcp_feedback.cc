// Receiver feedback: reception reports (RFC 3550 §6.4.2), generic NACK (RFC 4585 §6.2.1),
// PLI (RFC 4585 §6.3.1), FIR (RFC 5104 §4.3.1) and REMB (draft-alvestrand-rmcat-remb).
#include <algorithm>
#include <cstdint>

#include "nvcast/stream.h"

namespace nvcast::rtp {
namespace {

constexpr uint8_t kSenderReport = 200, kReceiverReport = 201, kTransportFeedback = 205, kPayloadFeedback = 206;
constexpr uint8_t kGenericNack = 1, kPli = 1, kFir = 4, kApplicationLayer = 15;

uint32_t get32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
           p[3];
}
uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

void put32(std::vector<uint8_t>& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

// Header of a feedback message (V=2, FMT, PT) with the sender and media SSRCs; length set by finish().
std::vector<uint8_t> feedback_header(uint8_t fmt, uint8_t pt, uint32_t sender_ssrc, uint32_t media_ssrc) {
    std::vector<uint8_t> out{static_cast<uint8_t>(0x80 | fmt), pt, 0, 0};
    put32(out, sender_ssrc);
    put32(out, media_ssrc);
    return out;
}
std::vector<uint8_t> finish(std::vector<uint8_t> out) {
    const size_t words = out.size() / 4 - 1;
    out[2] = static_cast<uint8_t>(words >> 8);
    out[3] = static_cast<uint8_t>(words);
    return out;
}

void read_report_blocks(const uint8_t* p, size_t count, size_t room, uint32_t media_ssrc, Feedback& out) {
    for (size_t i = 0; i < count && (i + 1) * 24 <= room; ++i, p += 24) {
        if (get32(p) != media_ssrc) continue;
        ReceptionReport r;
        r.ssrc = media_ssrc;
        r.fraction_lost = p[4];
        // 24-bit signed cumulative count.
        const int32_t lost = static_cast<int32_t>(p[5] << 16 | p[6] << 8 | p[7]);
        r.cumulative_lost = lost & 0x800000 ? lost - 0x1000000 : lost;
        r.highest_sequence = get32(p + 8);
        r.jitter = get32(p + 12);
        out.reports.push_back(r);
    }
}

void read_nack(const uint8_t* fci, size_t size, Feedback& out) {
    for (size_t at = 0; at + 4 <= size; at += 4) {
        const uint16_t pid = get16(fci + at), blp = get16(fci + at + 2);
        out.nacked.push_back(pid);
        for (int bit = 0; bit < 16; ++bit)
            if (blp & (1u << bit)) out.nacked.push_back(static_cast<uint16_t>(pid + bit + 1));
    }
}

void read_remb(const uint8_t* fci, size_t size, uint32_t media_ssrc, Feedback& out) {
    if (size < 8 || fci[0] != 'R' || fci[1] != 'E' || fci[2] != 'M' || fci[3] != 'B') return;
    const size_t ssrcs = fci[4];
    if (8 + ssrcs * 4 > size) return;
    const unsigned exponent = fci[5] >> 2;
    const uint64_t mantissa = static_cast<uint64_t>(fci[5] & 3) << 16 | static_cast<uint64_t>(fci[6]) << 8 | fci[7];
    bool ours = ssrcs == 0;
    for (size_t i = 0; i < ssrcs; ++i) ours |= get32(fci + 8 + 4 * i) == media_ssrc;
    if (!ours) return;
    out.remb_bitrate = exponent >= 46 ? INT64_MAX : static_cast<int64_t>(mantissa << exponent);
}

}  // namespace

std::optional<Feedback> parse_feedback(std::span<const uint8_t> packet, uint32_t media_ssrc) {
    Feedback out;
    const uint8_t* p = packet.data();
    size_t left = packet.size();
    bool first = true;
    while (left >= 4) {
        const size_t length = (static_cast<size_t>(p[2]) << 8 | p[3]) * 4 + 4;
        const uint8_t pt = p[1];
        if ((p[0] >> 6) != 2 || length > left || pt < 192 || pt > 223) break;
        const uint8_t count = p[0] & 0x1f;  // RC, or FMT for feedback messages
        if (pt == kSenderReport && length >= 28) read_report_blocks(p + 28, count, length - 28, media_ssrc, out);
        if (pt == kReceiverReport && length >= 8) read_report_blocks(p + 8, count, length - 8, media_ssrc, out);
        if ((pt == kTransportFeedback || pt == kPayloadFeedback) && length >= 12) {
            const uint32_t media = get32(p + 8);
            const uint8_t* fci = p + 12;
            const size_t fci_size = length - 12;
            if (pt == kTransportFeedback && count == kGenericNack && media == media_ssrc) read_nack(fci, fci_size, out);
            if (pt == kPayloadFeedback && count == kPli && media == media_ssrc) out.picture_loss = true;
            if (pt == kPayloadFeedback && count == kFir)
                for (size_t at = 0; at + 8 <= fci_size; at += 8)
                    if (get32(fci + at) == media_ssrc) out.fir_sequence = fci[at + 4];
            if (pt == kPayloadFeedback && count == kApplicationLayer) read_remb(fci, fci_size, media_ssrc, out);
        }
        first = false;
        p += length;
        left -= length;
    }
    if (first) return std::nullopt;
    return out;
}

std::vector<uint8_t> make_nack(uint32_t sender_ssrc, uint32_t media_ssrc, std::span<const uint16_t> sequences) {
    std::vector<uint16_t> seqs(sequences.begin(), sequences.end());
    // Serial order from the first, so that one entry's bitmask covers the 16 that follow it.
    const uint16_t origin = seqs.empty() ? 0 : seqs.front();
    std::sort(seqs.begin(), seqs.end(),
              [&](uint16_t a, uint16_t b) { return static_cast<uint16_t>(a - origin) < static_cast<uint16_t>(b - origin); });
    seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
    auto out = feedback_header(kGenericNack, kTransportFeedback, sender_ssrc, media_ssrc);
    for (size_t i = 0; i < seqs.size();) {
        const uint16_t pid = seqs[i++];
        uint16_t blp = 0;
        while (i < seqs.size() && static_cast<uint16_t>(seqs[i] - pid) <= 16) {
            blp = static_cast<uint16_t>(blp | 1u << (static_cast<uint16_t>(seqs[i] - pid) - 1));
            ++i;
        }
        out.insert(out.end(), {static_cast<uint8_t>(pid >> 8), static_cast<uint8_t>(pid),
                               static_cast<uint8_t>(blp >> 8), static_cast<uint8_t>(blp)});
    }
    return finish(std::move(out));
}

std::vector<uint8_t> make_pli(uint32_t sender_ssrc, uint32_t media_ssrc) {
    return finish(feedback_header(kPli, kPayloadFeedback, sender_ssrc, media_ssrc));
}

std::vector<uint8_t> make_fir(uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t sequence) {
    auto out = feedback_header(kFir, kPayloadFeedback, sender_ssrc, 0);
    put32(out, media_ssrc);
    out.insert(out.end(), {sequence, 0, 0, 0});
    return finish(std::move(out));
}

std::vector<uint8_t> make_remb(uint32_t sender_ssrc, int64_t bitrate, std::span<const uint32_t> media_ssrcs) {
    auto out = feedback_header(kApplicationLayer, kPayloadFeedback, sender_ssrc, 0);
    uint64_t mantissa = static_cast<uint64_t>(std::max<int64_t>(0, bitrate));
    unsigned exponent = 0;
    while (mantissa >= (1u << 18)) mantissa >>= 1, ++exponent;  // 18-bit mantissa, 6-bit exponent
    out.insert(out.end(), {'R', 'E', 'M', 'B', static_cast<uint8_t>(std::min<size_t>(media_ssrcs.size(), 255)),
                           static_cast<uint8_t>(exponent << 2 | mantissa >> 16), static_cast<uint8_t>(mantissa >> 8),
                           static_cast<uint8_t>(mantissa)});
    for (size_t i = 0; i < media_ssrcs.size() && i < 255; ++i) put32(out, media_ssrcs[i]);
    return finish(std::move(out));
}

}  // namespace nvcast::rtp
