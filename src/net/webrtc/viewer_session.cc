#include "net/webrtc/viewer_session.h"

#include <netdb.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

#include "net/webrtc/stun.h"
#include "nvcast/error.h"
#include "nvcast/log.h"

namespace nvcast::webrtc {
namespace {

using Clock = std::chrono::steady_clock;

// Bytes from the OS random source (credentials and SSRCs must not be guessable or repeat).
void random_bytes(void* out, size_t count) {
    if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(count)) != 1)
        throw Error(ErrorCode::Io, "WebRTC: the OS random source failed");
}

// ICE credentials (RFC 8445 §5.3): characters of the base64 alphabet, from the OS random source.
std::string ice_characters(size_t count) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<uint8_t> random(count);
    random_bytes(random.data(), count);
    std::string out;
    for (uint8_t r : random) out += kAlphabet[r % 64];
    return out;
}

std::string numeric_host(const sockaddr_storage& a, socklen_t len) {
    char host[NI_MAXHOST] = {};
    ::getnameinfo(reinterpret_cast<const sockaddr*>(&a), len, host, sizeof host, nullptr, 0, NI_NUMERICHOST);
    return host;
}

uint16_t port_of(const sockaddr_storage& a) {
    return ntohs(a.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6&>(a).sin6_port
                                         : reinterpret_cast<const sockaddr_in&>(a).sin_port);
}

bool same_address(const sockaddr_storage& a, socklen_t alen, const sockaddr_storage& b, socklen_t blen) {
    return alen == blen && std::memcmp(&a, &b, alen) == 0;
}

// A UDP socket bound to `address` (numeric) on an ephemeral port.
int open_socket(const std::string& address, uint16_t& port) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    addrinfo* res = nullptr;
    if (::getaddrinfo(address.c_str(), "0", &hints, &res) != 0 || !res)
        throw Error(ErrorCode::Io, "WebRTC: '" + address + "' is not an address a viewer's media can come to");
    const int fd = ::socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const bool bound = fd >= 0 && ::bind(fd, res->ai_addr, res->ai_addrlen) == 0;
    ::freeaddrinfo(res);
    if (!bound) {
        const std::string why = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        throw Error(ErrorCode::Io, "WebRTC: cannot open a UDP socket on " + address + ": " + why);
    }
    const int buf = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    port = port_of(local);
    return fd;
}

std::string seconds(std::chrono::milliseconds ms) { return std::to_string(ms.count() / 1000.0).substr(0, 4) + " s"; }

}  // namespace

ViewerSession::ViewerSession(std::string id, const WhepConfig& config, const StreamInfo& stream,
                             const WebRtcOffer& offer, const ChosenFormat& format,
                             std::shared_ptr<const DtlsCertificate> certificate, const std::string& local_address)
    : id_(std::move(id)), config_(config), stream_(stream) {
    ChosenFormat chosen = format;
    if (!config.rtx) chosen.rtx_payload_type.reset();
    codec_name_ = format.format.encoding + "/" + std::to_string(format.format.payload_type);
    if (chosen.rtx_payload_type) codec_name_ += "+rtx/" + std::to_string(*chosen.rtx_payload_type);
    local_ufrag_ = ice_characters(8);
    local_pwd_ = ice_characters(24);
    remote_ufrag_ = offer.ice_ufrag;
    rtp::PayloaderConfig pc;
    pc.codec = stream.codec;
    pc.max_payload = config.max_payload;
    pc.payload_type = static_cast<uint8_t>(format.format.payload_type);
    pc.codec_headers = stream.codec_headers;
    payloader_ = rtp::Payloader::create(pc);
    timestamp_base_ = payloader_->ssrc() ^ 0x5a5a5a5a;
    if (chosen.rtx_payload_type) {
        rtx_ = rtp::SenderConfig::RtxStream{static_cast<uint8_t>(*chosen.rtx_payload_type), payloader_->ssrc()};
        while (rtx_->ssrc == payloader_->ssrc())  // an SSRC of its own
            random_bytes(&rtx_->ssrc, sizeof rtx_->ssrc);
    }
    dtls_ = std::make_unique<DtlsServer>(certificate, offer.fingerprint);

    uint16_t port = 0;
    fd_ = open_socket(local_address, port);
    AnswerParams a;
    a.ice_ufrag = local_ufrag_;
    a.ice_pwd = local_pwd_;
    a.fingerprint = certificate->fingerprint();
    a.address = local_address;
    a.port = port;
    a.ssrc = payloader_->ssrc();
    if (rtx_) a.rtx_ssrc = rtx_->ssrc;
    a.cname = config.cname;
    a.session_id = payloader_->ssrc();
    answer_ = make_webrtc_answer(offer, chosen, a);
    created_ = last_consent_ = Clock::now();
    thread_ = std::thread([this] { run(); });
}

ViewerSession::~ViewerSession() { end("closed"); }

void ViewerSession::run() {
    std::vector<uint8_t> buffer(4096);
    pollfd p{fd_, POLLIN, 0};
    while (!stop_) {
        if (::poll(&p, 1, 20) > 0) {
            sockaddr_storage from{};
            socklen_t from_len = sizeof from;
            const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT,
                                         reinterpret_cast<sockaddr*>(&from), &from_len);
            if (n > 0) {
                std::vector<uint8_t> datagram(buffer.begin(), buffer.begin() + n);
                on_datagram(datagram, from, from_len);
            }
        }
        send_datagrams(dtls_->poll_timer());
        const auto now = Clock::now();
        if (dtls_->state() == DtlsServer::State::Failed) finish("DTLS failed: " + dtls_->error());
        else if (dtls_->state() == DtlsServer::State::Closed) finish("the viewer closed the connection (DTLS close_notify)");
        else if (dtls_->state() != DtlsServer::State::Connected && now - created_ > config_.connect_timeout)
            finish("ICE and DTLS did not complete within " + seconds(config_.connect_timeout));
        else if (remote_len_ && now - last_consent_ > config_.consent_timeout)
            finish("consent lost: no ICE check for " + seconds(config_.consent_timeout));
    }
}

void ViewerSession::on_datagram(std::vector<uint8_t>& datagram, const sockaddr_storage& from, socklen_t from_len) {
    switch (classify_datagram(datagram)) {
        case DatagramKind::Stun: on_stun(datagram, from, from_len); break;
        case DatagramKind::Dtls:
            if (same_address(from, from_len, remote_, remote_len_)) on_dtls(datagram);
            break;
        case DatagramKind::Rtp: {
            // Only this thread sets sender_ (end() resets it after joining), so it needs no lock
            // here, and holding none keeps feedback callbacks free to take other locks.
            if (sender_ && same_address(from, from_len, remote_, remote_len_)) sender_->receive_feedback(std::move(datagram));
            break;
        }
        case DatagramKind::Other: break;
    }
}

void ViewerSession::on_stun(std::span<const uint8_t> datagram, const sockaddr_storage& from, socklen_t from_len) {
    const auto message = parse_stun(datagram);
    if (!message || !message->is_binding_request()) return;  // not STUN, or not for an ICE-lite agent
    std::vector<uint8_t> reply;
    const std::string expected_user = local_ufrag_ + ":" + remote_ufrag_;
    if (!message->username || !message->has_integrity)
        reply = stun_binding_error(*message, 400, "USERNAME and MESSAGE-INTEGRITY are required");
    else if (*message->username != expected_user || !stun_integrity_ok(datagram, *message, local_pwd_))
        reply = stun_binding_error(*message, 401, "unknown username or wrong password");
    if (!reply.empty()) {
        ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from), from_len);
        return;
    }
    // The first checked address carries the session; a nominated one replaces it until media flows.
    const bool media = [&] {
        std::lock_guard lock(mutex_);
        return sender_ != nullptr;
    }();
    if (!remote_len_ || (message->use_candidate && !media && !same_address(from, from_len, remote_, remote_len_))) {
        remote_ = from;
        remote_len_ = from_len;
        std::lock_guard lock(mutex_);
        remote_text_ = numeric_host(from, from_len) + ":" + std::to_string(port_of(from));
    }
    if (same_address(from, from_len, remote_, remote_len_)) last_consent_ = Clock::now();
    reply = stun_binding_success(*message, from, local_pwd_);
    ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from), from_len);
}

void ViewerSession::on_dtls(std::span<const uint8_t> datagram) {
    const bool was_connected = dtls_->state() == DtlsServer::State::Connected;
    send_datagrams(dtls_->receive(datagram));
    if (!was_connected && dtls_->state() == DtlsServer::State::Connected) start_media();
}

void ViewerSession::start_media() {
    const auto& keys = *dtls_->keys();
    rtp::SenderConfig sc;
    sc.destination = {numeric_host(remote_, remote_len_), port_of(remote_)};
    sc.rtcp_port = port_of(remote_);  // rtcp-mux
    sc.socket = fd_;
    sc.srtp = keys.local;
    sc.srtp_inbound = keys.remote;
    sc.pacing_rate = config_.pacing_rate;
    sc.retransmit_history = config_.retransmit_history;
    sc.rtx = rtx_;
    sc.simulated_loss = config_.simulated_loss;
    sc.loss_seed = config_.loss_seed;
    sc.cname = config_.cname;
    sc.on_keyframe_request = [this] { request_keyframe(); };
    sc.on_bitrate_estimate = [this](int64_t bitrate) {
        bitrate_estimate_ = bitrate;
        if (config_.on_bitrate_estimate) config_.on_bitrate_estimate(bitrate);
    };
    auto sender = std::make_unique<rtp::UdpSender>(sc);
    {
        std::lock_guard lock(mutex_);
        sender_ = std::move(sender);
    }
    log(LogLevel::Info, "WebRTC viewer " + id_ + " connected from " + remote_text_ + " (" + codec_name_ + ")");
    request_keyframe();  // it starts at a keyframe
}

void ViewerSession::request_keyframe() {
    {
        std::lock_guard lock(mutex_);
        if (!keyframe_pending_) frames_since_request_ = 0;
        keyframe_pending_ = true;
    }
    if (config_.on_keyframe_request) config_.on_keyframe_request();
}

void ViewerSession::send_datagrams(const Datagrams& datagrams) {
    for (const auto& d : datagrams)
        ::sendto(fd_, d.data(), d.size(), 0, reinterpret_cast<const sockaddr*>(&remote_), remote_len_);
}

void ViewerSession::finish(const std::string& why) {
    {
        std::lock_guard lock(mutex_);
        if (ended_reason_.empty()) ended_reason_ = why;
    }
    stop_ = true;
    ended_ = true;
}

void ViewerSession::write(const Packet& packet) {
    std::lock_guard lock(mutex_);
    if (!sender_ || ended_) return;
    if (keyframe_pending_) {
        if (packet.keyframe) {
            keyframe_pending_ = false;
            max_frames_to_keyframe_ = std::max(max_frames_to_keyframe_, frames_since_request_);
        } else {
            ++frames_since_request_;
        }
    }
    if (waiting_for_keyframe_ && !packet.keyframe) return;
    waiting_for_keyframe_ = false;
    const uint32_t ts = rtp::timestamp_from_pts(packet.pts, static_cast<int>(stream_.tb_den()),
                                                static_cast<int>(stream_.tb_num()), timestamp_base_);
    std::optional<Clock::time_point> origin;
    if (packet.available != Clock::time_point{}) origin = packet.available;
    sender_->send(payloader_->packetize(packet.data, ts, packet.keyframe), origin);
    ++frames_;
}

void ViewerSession::end(const std::string& why) {
    finish(why);
    if (thread_.joinable()) thread_.join();
    std::unique_ptr<rtp::UdpSender> sender;
    {
        std::lock_guard lock(mutex_);
        sender = std::move(sender_);
    }
    if (sender) {
        sender->flush();
        std::lock_guard lock(mutex_);
        final_network_ = sender->stats();
    }
    sender.reset();  // its RTCP BYE
    if (fd_ >= 0) {
        if (remote_len_) send_datagrams(dtls_->close());
        ::close(fd_);
        fd_ = -1;
        const auto s = stats();
        log(LogLevel::Info, "WebRTC viewer " + id_ + " ended (" + s.ended + "): " + std::to_string(s.frames) +
                                " frames, " + std::to_string(s.network.retransmitted) + " retransmitted, " +
                                std::to_string(s.network.keyframe_requests) + " keyframe requests");
    }
}

ViewerStats ViewerSession::stats() const {
    std::lock_guard lock(mutex_);
    ViewerStats s;
    s.id = id_;
    s.address = remote_text_;
    s.codec = codec_name_;
    s.connected = sender_ != nullptr;
    s.ended = ended_ ? ended_reason_ : std::string();
    s.frames = frames_;
    s.max_frames_to_keyframe = max_frames_to_keyframe_;
    s.network = sender_ ? sender_->stats() : final_network_;
    return s;
}

}  // namespace nvcast::webrtc
