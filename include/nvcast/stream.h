// Sending and receiving RTP over UDP: addresses, SRTP keys (RFC 3711 via libsrtp2),
// a paced sender with RTCP sender reports (RFC 3550 §6.4.1), and a receiver.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nvcast/rtp.h"
#include "nvcast/sink.h"

namespace nvcast::rtp {

struct Endpoint {
    std::string host;   // name or numeric address; "" = any (receivers)
    uint16_t port = 0;
};

// "rtp://host:port", "rtp://[v6addr]:port", "udp://..." or "host:port"; for receivers also
// "rtp://@:port" / ":port" (any address). Throws Error(InvalidArgument) naming the problem:
// missing port, port out of range 1..65535, unknown scheme, bad IPv6 brackets.
// Servers (allow_port_zero) may also take port 0: an ephemeral port chosen when they bind.
Endpoint parse_url(std::string_view url, bool allow_any_host = false, bool allow_port_zero = false);
// True for text that names one of parse_url's schemes (rtp://, udp://, srtp://): a network
// destination, not a file.
bool is_network_url(std::string_view text);

// Numeric address the host resolves to (first result). Throws Error(InvalidArgument)
// "cannot resolve host 'x': ..." when it doesn't.
std::string resolve_host(const std::string& host);

// SRTP master key + salt for AES_CM_128_HMAC_SHA1_80 (16 + 14 bytes).
struct SrtpKey {
    static constexpr size_t kSize = 30;
    std::array<uint8_t, kSize> bytes{};

    // 40 base64 characters (as in SDP "inline:") or 60 hex digits. Throws Error(InvalidArgument)
    // saying what was wrong; the key text itself is never repeated in the message.
    static SrtpKey parse(std::string_view text);
    static SrtpKey generate();  // from the OS random source
    std::string base64() const;
};

// True when this build has libsrtp2.
bool srtp_supported() noexcept;

struct SenderConfig {
    Endpoint destination;
    int64_t pacing_rate = 0;       // bits/s on the wire; 0 = each frame's packets back to back
    size_t max_burst_bytes = 0;    // token bucket depth; 0 = 8 packets of 1500 bytes
    std::optional<SrtpKey> srtp;   // encrypt RTP and RTCP (SRTP/SRTCP)
    bool rtcp = true;              // RTCP sender reports
    uint16_t rtcp_port = 0;        // 0 = destination port + 1
    std::chrono::milliseconds rtcp_interval{1000};
    std::chrono::milliseconds bye_delay{100};  // after the last RTP packet, before the RTCP BYE
    std::string cname = "nvcast";
    size_t max_queue_packets = 100000;  // beyond this, whole frames are dropped (counted)
    size_t socket_buffer_bytes = 4u << 20;
    // Loss recovery and control (RFC 4585): what was sent stays this long to be sent again when a
    // receiver's NACK asks (0 = never), and what receivers ask of the encoder reaches these
    // callbacks (called from the sender's feedback thread; keep them short).
    std::chrono::milliseconds retransmit_history{1000};
    std::function<void()> on_keyframe_request;         // PLI, or FIR with a new sequence number
    std::function<void(int64_t)> on_bitrate_estimate;  // REMB: bits/s the receiver can take
    // RFC 4588: send retransmissions as RTX packets on a stream of their own (payload type and
    // SSRC as negotiated, e.g. by WebRTC's SDP) instead of again on the media SSRC.
    struct RtxStream {
        uint8_t payload_type = 0;
        uint32_t ssrc = 0;
    };
    std::optional<RtxStream> rtx;
    // Sender-side loss for tests and demos: each RTP transmission (retransmissions too) is dropped
    // with this probability, drawn from a generator seeded with loss_seed, so a run repeats.
    double simulated_loss = 0;
    uint64_t loss_seed = 1;
    // WebRTC: send on this bound socket, which the caller owns and reads (it carries STUN and DTLS
    // too) and whose RTCP it hands to receive_feedback(); -1 = open our own and read it ourselves.
    int socket = -1;
    // The key of receivers' SRTCP when it is not `srtp` (DTLS-SRTP: each side has its own).
    std::optional<SrtpKey> srtp_inbound;
};

struct SenderStats {
    uint64_t packets = 0;          // RTP packets sent
    uint64_t bytes = 0;            // bytes on the wire (RTP packets incl. headers/SRTP tags)
    uint64_t frames = 0;
    uint64_t rtcp_reports = 0;
    uint64_t send_errors = 0;
    uint64_t dropped_frames = 0;   // queue full
    size_t queued_packets = 0;
    size_t queued_bytes = 0;
    uint64_t feedback_packets = 0;     // RTCP packets received from receivers
    uint64_t nacked = 0;               // sequence numbers receivers asked for again
    uint64_t retransmitted = 0;        // packets sent again from the history
    uint64_t keyframe_requests = 0;    // PLI, or FIR with a new sequence number
    uint64_t bitrate_estimates = 0;    // REMB messages
    int64_t last_bitrate_estimate = 0; // bits/s, from the latest REMB
    uint64_t simulated_losses = 0;     // transmissions dropped on purpose (simulated_loss)
    uint16_t local_port = 0;           // the socket receivers' RTCP comes back to
    double last_frame_latency_ms = 0;  // frame origin (send()'s `origin`, else the call) -> its last packet sent
    double max_frame_latency_ms = 0;
    double mean_frame_latency_ms = 0;
};

// Sends RTP packets from a background thread so that the caller (the encoder loop)
// never waits for the network; pacing spreads each frame's packets at pacing_rate.
class UdpSender {
public:
    // Resolves the destination and opens the socket; throws Error(InvalidArgument) for an
    // unresolvable host or bad port, Error(Unsupported) for SRTP without libsrtp2,
    // Error(Io) when the socket can't be opened.
    explicit UdpSender(const SenderConfig& config);
    ~UdpSender();  // sends what is queued, an RTCP BYE, then stops
    UdpSender(const UdpSender&) = delete;
    UdpSender& operator=(const UdpSender&) = delete;

    // Queues one frame's packets (from Payloader::packetize) for sending. Latency is counted from
    // `origin` (when the frame became available) when given, else from this call.
    void send(PacketList packets, std::optional<std::chrono::steady_clock::time_point> origin = std::nullopt);
    // Blocks until every queued packet has been sent.
    void flush();
    // One datagram of receivers' RTCP read by the owner of config.socket (SRTCP-protected when
    // SRTP is on); what it asks for is done as for RTCP read by the sender itself.
    void receive_feedback(std::vector<uint8_t> packet);
    SenderStats stats() const;
    const std::string& resolved_address() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct RtpSinkConfig {
    SenderConfig sender;              // destination, SRTP, pacing, RTCP
    size_t max_payload = kDefaultMaxPayload;
    uint8_t payload_type = 96;
    std::string sdp_path;             // write an SDP file describing the stream here ("" = none)
};

// The network as a PacketSink: payloads each packet (RFC 6184 / 7798 / AV1 RTP), sends it paced
// from a background thread with RTCP sender reports, and ends with an RTCP BYE on close().
// RTP timestamps follow the packets' pts at the stream's frame rate; latency is counted from
// Packet::available when the packet carries it.
class RtpSink final : public PacketSink {
public:
    // Resolves the destination, opens the socket and writes the SDP file; throws Error naming the
    // problem (unresolvable host, bad port, SRTP without libsrtp2, bad max_payload or payload type).
    RtpSink(const RtpSinkConfig& config, const StreamInfo& stream);
    ~RtpSink() override;
    void write(const Packet& packet) override;
    void close() override;  // sends what is queued, then the RTCP BYE

    SenderStats stats() const;
    const std::string& resolved_address() const noexcept;
    uint32_t ssrc() const noexcept;

private:
    StreamInfo stream_;
    std::unique_ptr<Payloader> payloader_;
    std::unique_ptr<UdpSender> sender_;
    uint32_t timestamp_base_ = 0;
    std::string address_;
    SenderStats final_stats_;
};

// Pacing for a stream of this bitrate: 4x the target (keyframes go out quickly), at least 20 Mbit/s.
int64_t default_pacing_rate(int64_t bitrate, int64_t max_bitrate) noexcept;

struct ReceiverConfig {
    Endpoint local;                  // host "" = any; port 0 = an ephemeral port (see port())
    std::optional<SrtpKey> srtp;
    size_t socket_buffer_bytes = 8u << 20;
};

class UdpReceiver {
public:
    explicit UdpReceiver(const ReceiverConfig& config);  // binds; throws Error
    ~UdpReceiver();
    UdpReceiver(const UdpReceiver&) = delete;
    UdpReceiver& operator=(const UdpReceiver&) = delete;

    uint16_t port() const noexcept;
    // Next datagram (SRTP-decrypted when configured), or nullopt when `timeout` passes first.
    // Datagrams that fail SRTP authentication are dropped and counted.
    std::optional<std::vector<uint8_t>> receive(std::chrono::milliseconds timeout, bool rtcp = false);
    // Sends an RTCP packet (feedback) back to where the latest datagram came from: the sender's
    // socket. SRTCP-protected with the receiver's key. False before anything arrived.
    bool reply(std::span<const uint8_t> rtcp);
    uint64_t auth_failures() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// What a receiver tells the sender (RFC 3550 §6.4.2 reception reports, RFC 4585 generic NACK and
// PLI, RFC 5104 FIR, REMB), as read from one compound RTCP packet.
struct ReceptionReport {
    uint32_t ssrc = 0;                 // the media source reported on
    uint8_t fraction_lost = 0;         // of 256, since the previous report
    int32_t cumulative_lost = 0;
    uint32_t highest_sequence = 0;     // extended
    uint32_t jitter = 0;               // RTP timestamp units
};
struct Feedback {
    std::vector<uint16_t> nacked;          // sequence numbers of `media_ssrc` the receiver asks for again
    bool picture_loss = false;             // PLI for `media_ssrc`: it needs a keyframe
    std::optional<uint8_t> fir_sequence;   // FIR for `media_ssrc` (a new number = a new request)
    std::optional<int64_t> remb_bitrate;   // bits/s the receiver estimates it can take (REMB naming media_ssrc)
    std::vector<ReceptionReport> reports;  // blocks about `media_ssrc`
    bool empty() const noexcept {
        return nacked.empty() && !picture_loss && !fir_sequence && !remb_bitrate && reports.empty();
    }
};
// Parses a compound RTCP packet, keeping what concerns `media_ssrc` (the sender's SSRC); nullopt
// when the first packet is not RTCP. Stops at the first malformed part, keeping what came before.
std::optional<Feedback> parse_feedback(std::span<const uint8_t> packet, uint32_t media_ssrc);
// Feedback packets as a receiver sends them (tests, receivers).
std::vector<uint8_t> make_nack(uint32_t sender_ssrc, uint32_t media_ssrc, std::span<const uint16_t> sequences);
std::vector<uint8_t> make_pli(uint32_t sender_ssrc, uint32_t media_ssrc);
std::vector<uint8_t> make_fir(uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t sequence);
std::vector<uint8_t> make_remb(uint32_t sender_ssrc, int64_t bitrate, std::span<const uint32_t> media_ssrcs);

// When a receiver asks again for missing packets, and when it stops waiting for them: a NACK for
// each newly missing sequence number at once, again every `retry` while it is missing (up to
// `attempts` times), and no more waiting once the oldest has been missing for `give_up`.
class LossRecovery {
public:
    using Clock = std::chrono::steady_clock;
    struct Config {
        std::chrono::milliseconds retry{10};
        int attempts = 5;
        std::chrono::milliseconds give_up{80};
    };
    LossRecovery() : LossRecovery(Config{}) {}
    explicit LossRecovery(const Config& config) : config_(config) {}
    // The sequence numbers to NACK now, given what is missing now.
    std::vector<uint16_t> due(const std::vector<uint16_t>& missing, Clock::time_point now);
    // True when the receiver should release frames held behind a missing packet.
    bool should_give_up(Clock::time_point now) const;
    uint64_t nacks_sent() const noexcept { return nacks_; }

private:
    struct Wait {
        Clock::time_point first, last;
        int attempts = 0;
    };
    Config config_;
    std::map<uint16_t, Wait> waiting_;
    uint64_t nacks_ = 0;
};

// RTCP sender report fields (RFC 3550 §6.4.1), for tests and receivers.
struct SenderReport {
    uint32_t ssrc = 0;
    uint64_t ntp_timestamp = 0;
    uint32_t rtp_timestamp = 0;
    uint32_t packet_count = 0;
    uint32_t octet_count = 0;
    std::string cname;  // from an SDES chunk in the same compound packet, if any
};
// Parses a compound RTCP packet starting with an SR; nullopt when it isn't one.
std::optional<SenderReport> parse_sender_report(std::span<const uint8_t> packet);

}  // namespace nvcast::rtp
