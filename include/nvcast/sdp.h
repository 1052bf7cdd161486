// SDP (RFC 4566) describing one nvcast RTP video stream so that standard receivers
// (ffmpeg/ffplay, VLC, GStreamer) can play it: rtpmap/fmtp per RFC 6184 (H.264),
// RFC 7798 (HEVC) and the AV1 RTP specification; a=crypto (RFC 4568) for SRTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nvcast/config.h"
#include "nvcast/stream.h"

namespace nvcast::rtp {

struct SdpConfig {
    Codec codec = Codec::H264;
    std::string address = "127.0.0.1";   // numeric destination address (IPv4 or IPv6)
    uint16_t port = 5004;
    uint8_t payload_type = 96;
    std::vector<uint8_t> codec_headers;  // Annex-B parameter sets / AV1 sequence header OBU
    int width = 0;                       // optional a=framesize / a=framerate hints
    int height = 0;
    int fps_num = 0;
    int fps_den = 1;
    std::optional<SrtpKey> srtp;         // adds RTP/SAVP and a=crypto with the key inline
    std::string session_name = "nvcast";
};

std::string make_sdp(const SdpConfig& config);

// Writes the SDP to a file (mode 0600 when it carries an SRTP key). Throws Error(Io).
void write_sdp_file(const std::string& path, const std::string& sdp);

// What a receiver needs from an SDP: the video port, payload type, codec and SRTP key.
struct SdpSession {
    uint16_t port = 0;
    std::optional<uint8_t> payload_type;
    std::optional<Codec> codec;
    std::optional<SrtpKey> srtp;
};

// Parses the first m=video section of an SDP (RFC 4566). Throws Error naming `origin` (e.g. the
// file name) and the problem: InvalidData for no m=video line or a port outside 1..65535,
// Unsupported for an encoding other than H264/H265/AV1 or a crypto suite other than
// AES_CM_128_HMAC_SHA1_80 with an inline key.
SdpSession parse_sdp(std::string_view text, const std::string& origin = "SDP");
// Reads and parses an SDP file; Error(Io) when it cannot be read.
SdpSession read_sdp_file(const std::string& path);

}  // namespace nvcast::rtp
