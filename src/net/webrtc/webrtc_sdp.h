// SDP offer/answer for a WebRTC viewer (RFC 8829/JSEP, RFC 8843 BUNDLE, RFC 8838 ICE-lite):
// what a browser's offer says, which of its payload types carries nvcast's stream, and the
// answer nvcast sends back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nvcast/config.h"

namespace nvcast::webrtc {

struct OfferedFormat {
    int payload_type = 0;
    std::string encoding;   // "H264", "AV1", "VP8", … (upper case)
    std::string fmtp;       // "" when the offer gives none
};

struct OfferedMedia {
    std::string kind;       // "video", "audio", "application"
    std::string mid;
    std::string protocol;   // "UDP/TLS/RTP/SAVPF"
    std::vector<std::string> format_tokens;  // the m= line's formats, as written
    std::vector<OfferedFormat> formats;
    bool receives = true;   // not sendonly/inactive
};

struct WebRtcOffer {
    std::string ice_ufrag, ice_pwd;
    std::string fingerprint;  // "sha-256 AB:CD:…"
    std::string setup;        // actpass | active | passive
    std::vector<OfferedMedia> media;
};

// Parses a browser's offer. Throws Error(InvalidArgument) naming what is missing or malformed
// (no ICE credentials, no fingerprint, no m= line, an offer that cannot take DTLS from us).
WebRtcOffer parse_webrtc_offer(std::string_view sdp);

// The offered video format that carries a stream of `codec` whose parameter sets are `headers`:
// H.264 in packetization-mode 1 (the offer's profile matching the stream's when there is one),
// AV1, or H.265. nullopt when the offer has none of them. The format's RFC 4588 retransmission
// format ("rtx" with apt = its payload type) comes along when the offer has one.
struct ChosenFormat {
    size_t media_index = 0;  // into WebRtcOffer::media
    OfferedFormat format;
    std::optional<int> rtx_payload_type;
};
std::optional<ChosenFormat> choose_format(const WebRtcOffer& offer, Codec codec, const std::vector<uint8_t>& headers);

struct AnswerParams {
    std::string ice_ufrag, ice_pwd;
    std::string fingerprint;  // "AB:CD:…" (sha-256)
    std::string address;      // where the viewer sends to: our candidate
    uint16_t port = 0;
    uint32_t ssrc = 0;
    uint32_t rtx_ssrc = 0;    // the retransmission stream's, when the chosen format has rtx
    std::string cname = "nvcast";
    uint64_t session_id = 1;
};

// The answer: ICE-lite, setup:passive, rtcp-mux, BUNDLE of the chosen section (with its rtx format
// and an SSRC group FID of the two streams when chosen.rtx_payload_type is set); every other
// section rejected (port 0), as JSEP requires.
std::string make_webrtc_answer(const WebRtcOffer& offer, const ChosenFormat& chosen, const AnswerParams& params);

}  // namespace nvcast::webrtc
