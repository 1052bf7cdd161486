// WebRTC delivery to browsers: a WHEP endpoint (draft-ietf-wish-whep) that answers each viewer's
// offer and sends it the stream over ICE-lite + DTLS-SRTP on a socket of its own, with NACK
// retransmission, keyframe requests and REMB reaching the encoder, and a player page at "/".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nvcast/sink.h"
#include "nvcast/stream.h"

namespace nvcast::webrtc {

struct WhepConfig {
    std::string host = "127.0.0.1";  // where the HTTP server listens; "" or "0.0.0.0" = every IPv4 address
    uint16_t port = 8080;            // 0 = an ephemeral port (see WhepSink::port())
    // The address offered to viewers as our ICE candidate; "" = the address each viewer reached
    // the HTTP server on.
    std::string candidate_address;
    std::string token;               // a bearer token POST and DELETE must carry ("" = none)
    size_t max_viewers = 16;
    // A viewer that sends no ICE consent check (RFC 7675) for this long is gone and cleaned up;
    // one that has not finished ICE + DTLS within connect_timeout too.
    std::chrono::milliseconds consent_timeout{30000};
    std::chrono::milliseconds connect_timeout{15000};
    size_t max_payload = rtp::kDefaultMaxPayload;
    int64_t pacing_rate = 0;         // bits/s per viewer; 0 = unpaced
    std::chrono::milliseconds retransmit_history{1000};
    // RFC 4588: retransmit on an RTX stream of its own when the viewer offers "rtx" for the chosen
    // format (browsers do); otherwise, or when false, again on the media SSRC.
    bool rtx = true;
    double simulated_loss = 0;       // per viewer, as rtp::SenderConfig
    uint64_t loss_seed = 1;
    std::string cname = "nvcast";
    // What viewers ask of the encoder (from network threads): a keyframe when one connects or
    // asks (PLI/FIR), and the lowest bandwidth estimate (REMB) among those connected.
    std::function<void()> on_keyframe_request;
    std::function<void(int64_t)> on_bitrate_estimate;
};

struct ViewerStats {
    std::string id;                  // the session's resource: /whep/<id>
    std::string address;             // where its media goes (ICE-selected), "" before ICE
    std::string codec;               // the negotiated encoding and payload type, "H264/102"
    bool connected = false;          // ICE + DTLS done, receiving media
    std::string ended;               // why it ended ("" while live): "deleted", "consent lost", …
    uint64_t frames = 0;
    // Keyframe requests (its connection, PLI, FIR): how many frames passed, at most, between one
    // and the keyframe that served it (0 = the next frame was one); -1 = none served yet.
    int64_t max_frames_to_keyframe = -1;
    rtp::SenderStats network;
};

// The WHEP endpoint as a PacketSink: every packet goes to every connected viewer, each starting
// at a keyframe.
class WhepSink final : public PacketSink {
public:
    // Starts the HTTP server and makes the DTLS certificate; throws Error(Unsupported) when this
    // build lacks WebRTC (OpenSSL, libsrtp2, cpp-httplib), Error(Io) when the port is taken.
    WhepSink(const WhepConfig& config, const StreamInfo& stream);
    ~WhepSink() override;
    void write(const Packet& packet) override;
    void close() override;  // ends every session (RTCP BYE, DTLS close_notify) and the server

    uint16_t port() const noexcept;
    std::string url() const;                  // the player page, "http://host:port/" (offers go to url() + "whep")
    std::vector<ViewerStats> viewers() const;  // live ones and those that ended

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// "whep://host:port" or "whep://:port" (host "" = every address).
bool is_whep_url(std::string_view text);
WhepConfig parse_whep_url(std::string_view url);
// True when this build has WebRTC (OpenSSL, libsrtp2, cpp-httplib).
bool webrtc_supported() noexcept;

}  // namespace nvcast::webrtc
