#include <algorithm>

#include "nvcast/error.h"
#include "nvcast/log.h"
#include "nvcast/sdp.h"
#include "nvcast/stream.h"

namespace nvcast::rtp {

int64_t default_pacing_rate(int64_t bitrate, int64_t max_bitrate) noexcept {
    return std::max<int64_t>(20'000'000, 4 * std::max(bitrate, max_bitrate));
}

RtpSink::RtpSink(const RtpSinkConfig& config, const StreamInfo& stream) : stream_(stream) {
    PayloaderConfig pc;
    pc.codec = stream.codec;
    pc.max_payload = config.max_payload;
    pc.payload_type = config.payload_type;
    pc.codec_headers = stream.codec_headers;
    payloader_ = Payloader::create(pc);  // checks max_payload and payload type first
    sender_ = std::make_unique<UdpSender>(config.sender);
    address_ = sender_->resolved_address();
    // Any start value will do; RFC 3550 wants it random, and the SSRC is.
    timestamp_base_ = payloader_->ssrc() ^ 0x5a5a5a5a;
    if (!config.sdp_path.empty()) {
        SdpConfig sdp;
        sdp.codec = stream.codec;
        sdp.address = sender_->resolved_address();
        sdp.port = config.sender.destination.port;
        sdp.payload_type = config.payload_type;
        sdp.codec_headers = stream.codec_headers;
        sdp.width = stream.width;
        sdp.height = stream.height;
        sdp.fps_num = stream.fps_num;
        sdp.fps_den = stream.fps_den;
        sdp.srtp = config.sender.srtp;
        write_sdp_file(config.sdp_path, make_sdp(sdp));
        log(LogLevel::Info, "wrote SDP to " + config.sdp_path +
                                (config.sender.srtp ? " (it contains the SRTP key; mode 0600)" : ""));
    }
}

RtpSink::~RtpSink() = default;

void RtpSink::write(const Packet& packet) {
    if (!sender_) throw Error(ErrorCode::InvalidState, "RTP sink: write after close");
    // pts counts units of the stream's time base (tb_num/tb_den s): a rate of tb_den/tb_num "frames" per second.
    const uint32_t ts = timestamp_from_pts(packet.pts, static_cast<int>(stream_.tb_den()), static_cast<int>(stream_.tb_num()),
                                           timestamp_base_);
    std::optional<std::chrono::steady_clock::time_point> origin;
    if (packet.available != std::chrono::steady_clock::time_point{}) origin = packet.available;
    sender_->send(payloader_->packetize(packet.data, ts, packet.keyframe), origin);
}

void RtpSink::close() {
    if (!sender_) return;
    sender_->flush();
    final_stats_ = sender_->stats();
    sender_.reset();  // the destructor sends the RTCP BYE
}

SenderStats RtpSink::stats() const { return sender_ ? sender_->stats() : final_stats_; }

const std::string& RtpSink::resolved_address() const noexcept { return address_; }

uint32_t RtpSink::ssrc() const noexcept { return payloader_->ssrc(); }

}  // namespace nvcast::rtp
