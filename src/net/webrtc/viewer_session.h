// One WebRTC viewer: its UDP socket and thread, ICE-lite answers, the DTLS handshake, then the
// stream over SRTP with feedback. Made by the WHEP endpoint for each accepted offer.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <sys/socket.h>

#include "net/webrtc/dtls.h"
#include "net/webrtc/webrtc_sdp.h"
#include "nvcast/packet.h"
#include "nvcast/rtp.h"
#include "nvcast/webrtc.h"

namespace nvcast::webrtc {

class ViewerSession {
public:
    // Opens the socket on `local_address` and prepares the answer; throws Error(Io) when the
    // socket cannot be opened. The thread starts at once.
    ViewerSession(std::string id, const WhepConfig& config, const StreamInfo& stream, const WebRtcOffer& offer,
                  const ChosenFormat& format, std::shared_ptr<const DtlsCertificate> certificate,
                  const std::string& local_address);
    ~ViewerSession();  // end("closed") unless ended
    ViewerSession(const ViewerSession&) = delete;
    ViewerSession& operator=(const ViewerSession&) = delete;

    const std::string& answer() const noexcept { return answer_; }
    const std::string& id() const noexcept { return id_; }
    // Sends one encoded frame once connected, starting at a keyframe.
    void write(const Packet& packet);
    // Stops the thread, sends the RTCP BYE and a DTLS close_notify; records why.
    void end(const std::string& why);
    bool ended() const noexcept { return ended_; }
    // The latest REMB estimate, 0 when none.
    int64_t bitrate_estimate() const noexcept { return bitrate_estimate_; }
    ViewerStats stats() const;

private:
    void run();
    void on_datagram(std::vector<uint8_t>& datagram, const sockaddr_storage& from, socklen_t from_len);
    void on_stun(std::span<const uint8_t> datagram, const sockaddr_storage& from, socklen_t from_len);
    void on_dtls(std::span<const uint8_t> datagram);
    void start_media();
    void send_datagrams(const Datagrams& datagrams);
    void finish(const std::string& why);  // from the session thread
    void request_keyframe();

    const std::string id_;
    const WhepConfig config_;
    const StreamInfo stream_;
    std::string codec_name_;
    std::string local_ufrag_, local_pwd_, remote_ufrag_;
    std::string answer_;
    int fd_ = -1;
    std::unique_ptr<DtlsServer> dtls_;
    std::unique_ptr<rtp::Payloader> payloader_;
    uint32_t timestamp_base_ = 0;
    std::optional<rtp::SenderConfig::RtxStream> rtx_;  // negotiated RFC 4588 retransmission stream

    // The ICE-selected address: where media and DTLS go.
    sockaddr_storage remote_{};
    socklen_t remote_len_ = 0;
    std::string remote_text_;
    std::chrono::steady_clock::time_point created_, last_consent_;

    mutable std::mutex mutex_;  // sender_, waiting_for_keyframe_, frames_, ended_reason_, final stats
    std::unique_ptr<rtp::UdpSender> sender_;
    bool waiting_for_keyframe_ = true;
    uint64_t frames_ = 0;
    bool keyframe_pending_ = false;    // a keyframe was asked for and has not been sent yet
    int64_t frames_since_request_ = 0;
    int64_t max_frames_to_keyframe_ = -1;
    std::string ended_reason_;
    rtp::SenderStats final_network_;
    std::atomic<bool> ended_{false};
    std::atomic<int64_t> bitrate_estimate_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace nvcast::webrtc
