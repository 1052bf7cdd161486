// Paced UDP sender for RTP with RTCP sender reports and optional SRTP.
#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <netdb.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "net/rtcp.h"
#include "net/srtp_session.h"
#include "nvcast/error.h"
#include "nvcast/stream.h"

namespace nvcast::rtp {

namespace {

using Clock = std::chrono::steady_clock;

sockaddr_storage make_address(const std::string& numeric_host, uint16_t port, socklen_t* len) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    const std::string port_text = std::to_string(port);
    const int rc = ::getaddrinfo(numeric_host.c_str(), port_text.c_str(), &hints, &res);
    if (rc != 0 || !res)
        throw Error(ErrorCode::InvalidArgument, "cannot use address '" + numeric_host + "': " + ::gai_strerror(rc));
    sockaddr_storage ss{};
    std::memcpy(&ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    ::freeaddrinfo(res);
    return ss;
}

uint32_t get32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
           p[3];
}

}  // namespace

struct UdpSender::Impl {
    struct QueuedFrame {
        PacketList packets;
        size_t bytes = 0;
        Clock::time_point queued;
    };

    SenderConfig config;
    std::string address;
    int fd = -1;
    sockaddr_storage rtp_addr{}, rtcp_addr{};
    socklen_t rtp_len = 0, rtcp_len = 0;
    std::unique_ptr<detail::SrtpSession> srtp;

    mutable std::mutex mutex;
    std::condition_variable wake, idle;
    std::deque<QueuedFrame> queue;
    bool busy = false;
    bool stopping = false;
    SenderStats stats;
    double latency_sum_ms = 0;
    std::thread thread;

    // Thread-owned state.
    double tokens = 0;
    Clock::time_point last_refill = Clock::now();
    Clock::time_point next_rtcp = Clock::now();
    bool have_rtp = false;
    uint32_t ssrc = 0, last_ts = 0, rtp_packets = 0, rtp_octets = 0;
    Clock::time_point last_ts_time;
    std::vector<uint8_t> buffer;

    void transmit(const uint8_t* data, size_t size, bool rtcp) {
        const uint8_t* out = data;
        size_t out_size = size;
        if (srtp) {
            buffer.assign(data, data + size);
            if (!srtp->protect(buffer, rtcp)) {
                std::lock_guard lock(mutex);
                ++stats.send_errors;
                return;
            }
            out = buffer.data();
            out_size = buffer.size();
        }
        const auto* addr = reinterpret_cast<const sockaddr*>(rtcp ? &rtcp_addr : &rtp_addr);
        ssize_t rc;
        do {
            rc = ::sendto(fd, out, out_size, 0, addr, rtcp ? rtcp_len : rtp_len);
        } while (rc < 0 && errno == EINTR);
        std::lock_guard lock(mutex);
        if (rc < 0) {
            ++stats.send_errors;
        } else if (!rtcp) {
            ++stats.packets;
            stats.bytes += out_size;
        } else {
            ++stats.rtcp_reports;
        }
    }

    void pace(size_t bytes) {
        if (config.pacing_rate <= 0) return;
        const double rate = static_cast<double>(config.pacing_rate) / 8.0;  // bytes/s
        const double depth = static_cast<double>(config.max_burst_bytes ? config.max_burst_bytes : 8 * 1500);
        for (;;) {
            const auto now = Clock::now();
            tokens = std::min(depth, tokens + std::chrono::duration<double>(now - last_refill).count() * rate);
            last_refill = now;
            if (tokens >= static_cast<double>(bytes) || tokens >= depth) break;
            const double wait = (static_cast<double>(bytes) - tokens) / rate;
            std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        }
        tokens -= static_cast<double>(bytes);
    }

    void send_rtcp(bool bye) {
        if (!config.rtcp || !have_rtp) return;
        const double elapsed = std::chrono::duration<double>(Clock::now() - last_ts_time).count();
        const uint32_t ts = last_ts + static_cast<uint32_t>(elapsed * kVideoClockRate);
        const auto packet = bye ? detail::make_bye(ssrc, detail::ntp_now(), ts, rtp_packets, rtp_octets, config.cname)
                                : detail::make_sender_report(ssrc, detail::ntp_now(), ts, rtp_packets, rtp_octets,
                                                             config.cname);
        transmit(packet.data(), packet.size(), true);
    }

    void send_frame(QueuedFrame& frame) {
        for (const auto& p : frame.packets) {
            if (p.size() < kHeaderSize) continue;
            pace(p.size() + 28);  // IP + UDP headers count against the rate
            transmit(p.data(), p.size(), false);
            if (!have_rtp || get32(&p[4]) != last_ts) last_ts_time = Clock::now();
            have_rtp = true;
            ssrc = get32(&p[8]);
            last_ts = get32(&p[4]);
            ++rtp_packets;
            rtp_octets += static_cast<uint32_t>(p.size() - kHeaderSize);
        }
        const double latency = std::chrono::duration<double, std::milli>(Clock::now() - frame.queued).count();
        std::lock_guard lock(mutex);
        ++stats.frames;
        stats.last_frame_latency_ms = latency;
        stats.max_frame_latency_ms = std::max(stats.max_frame_latency_ms, latency);
        latency_sum_ms += latency;
        stats.mean_frame_latency_ms = latency_sum_ms / static_cast<double>(stats.frames);
    }

    void run() {
        std::unique_lock lock(mutex);
        for (;;) {
            wake.wait_until(lock, next_rtcp, [&] { return stopping || !queue.empty(); });
            if (!queue.empty()) {
                QueuedFrame frame = std::move(queue.front());
                queue.pop_front();
                stats.queued_packets -= frame.packets.size();
                stats.queued_bytes -= frame.bytes;
                busy = true;
                lock.unlock();
                send_frame(frame);
                lock.lock();
                busy = false;
                if (queue.empty()) idle.notify_all();
            } else if (stopping) {
                break;
            }
            if (Clock::now() >= next_rtcp) {
                next_rtcp = Clock::now() + config.rtcp_interval;
                lock.unlock();
                send_rtcp(false);
                lock.lock();
            }
        }
        lock.unlock();
        // Receivers such as ffmpeg end the stream on BYE and may read the RTCP socket before
        // draining the RTP one: give the last media packets a head start.
        if (have_rtp && config.rtcp) std::this_thread::sleep_for(config.bye_delay);
        send_rtcp(true);
    }
};

UdpSender::UdpSender(const SenderConfig& config) : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.config = config;
    if (config.destination.port == 0)
        throw Error(ErrorCode::InvalidArgument, "destination port 0 is out of range (1..65535)");
    if (config.destination.host.empty()) throw Error(ErrorCode::InvalidArgument, "destination host is empty");
    if (config.pacing_rate < 0) throw Error(ErrorCode::InvalidArgument, "pacing rate must be >= 0 bits/s");
    s.address = resolve_host(config.destination.host);
    s.rtp_addr = make_address(s.address, config.destination.port, &s.rtp_len);
    uint16_t rtcp_port = config.rtcp_port;
    if (rtcp_port == 0) {
        if (config.destination.port == 65535) s.config.rtcp = false;  // no port above it
        rtcp_port = static_cast<uint16_t>(config.destination.port + 1);
    }
    if (s.config.rtcp) s.rtcp_addr = make_address(s.address, rtcp_port, &s.rtcp_len);
    if (config.srtp)
        s.srtp = std::make_unique<detail::SrtpSession>(*config.srtp, detail::SrtpSession::Direction::Outbound);
    s.fd = ::socket(s.rtp_addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s.fd < 0) throw Error(ErrorCode::Io, std::string("cannot open a UDP socket: ") + std::strerror(errno));
    const int buf = static_cast<int>(std::min<size_t>(config.socket_buffer_bytes, 1u << 30));
    ::setsockopt(s.fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    s.next_rtcp = Clock::now() + std::chrono::milliseconds(200);  // first report soon after the start
    s.thread = std::thread([&s] { s.run(); });
}

UdpSender::~UdpSender() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
    if (impl_->fd >= 0) ::close(impl_->fd);
}

void UdpSender::send(PacketList packets) {
    Impl& s = *impl_;
    size_t bytes = 0;
    for (const auto& p : packets) bytes += p.size();
    {
        std::lock_guard lock(s.mutex);
        if (s.stats.queued_packets + packets.size() > s.config.max_queue_packets) {
            ++s.stats.dropped_frames;
            return;
        }
        s.stats.queued_packets += packets.size();
        s.stats.queued_bytes += bytes;
        s.queue.push_back({std::move(packets), bytes, Clock::now()});
    }
    s.wake.notify_one();
}

void UdpSender::flush() {
    std::unique_lock lock(impl_->mutex);
    impl_->idle.wait(lock, [&] { return impl_->queue.empty() && !impl_->busy; });
}

SenderStats UdpSender::stats() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->stats;
}

const std::string& UdpSender::resolved_address() const noexcept { return impl_->address; }

}  // namespace nvcast::rtp
