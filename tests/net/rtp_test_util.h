// Helpers for the byte-exact RTP tests: expected packets are spelled out by hand
// from RFC 3550 / 6184 / 7798 and the AV1 RTP specification.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "nvcast/error.h"
#include "nvcast/rtp.h"

namespace nvcast::test::rtp_util {

constexpr uint32_t kTs = 0x01020304;
constexpr uint32_t kSsrc = 0xA1B2C3D4;

using Bytes = std::vector<uint8_t>;

// RTP fixed header for PT 96, timestamp kTs, SSRC kSsrc (RFC 3550 §5.1).
inline Bytes pkt(bool marker, uint16_t seq, std::initializer_list<uint8_t> payload) {
    Bytes b = {0x80, static_cast<uint8_t>(marker ? 0xE0 : 0x60), static_cast<uint8_t>(seq >> 8),
               static_cast<uint8_t>(seq & 0xff), 0x01, 0x02, 0x03, 0x04, 0xA1, 0xB2, 0xC3, 0xD4};
    b.insert(b.end(), payload);
    return b;
}
inline Bytes pkt(bool marker, uint16_t seq, const Bytes& payload) {
    Bytes b = pkt(marker, seq, {});
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// `n` bytes counting up from `first` (never producing a start code).
inline Bytes ramp(uint8_t first, size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(first + i);
    return b;
}

inline nvcast::rtp::PayloaderConfig payloader_config(Codec codec, size_t max_payload) {
    nvcast::rtp::PayloaderConfig c;
    c.codec = codec;
    c.max_payload = max_payload;
    c.ssrc = kSsrc;
    c.initial_sequence = 0x1000;
    return c;
}

// Feeds packets to a fresh depayloader, flushes, returns every frame.
inline std::vector<nvcast::rtp::ReceivedFrame> depayload(Codec codec, const std::vector<Bytes>& packets,
                                                         nvcast::rtp::DepayloaderStats* stats = nullptr) {
    nvcast::rtp::DepayloaderConfig c;
    c.codec = codec;
    auto d = nvcast::rtp::Depayloader::create(c);
    std::vector<nvcast::rtp::ReceivedFrame> frames;
    for (const Bytes& p : packets) {
        d->push(p);
        while (auto f = d->pop()) frames.push_back(std::move(*f));
    }
    d->flush();
    while (auto f = d->pop()) frames.push_back(std::move(*f));
    if (stats) *stats = d->stats();
    return frames;
}

}  // namespace nvcast::test::rtp_util
