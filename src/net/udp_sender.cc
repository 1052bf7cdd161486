// Paced UDP sender for RTP with RTCP sender reports and optional SRTP; it listens on the same
// socket for receivers' RTCP: NACKed packets are sent again from a history, keyframe requests and
// bitrate estimates go to the caller.
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <netinet/udp.h>
#include <sys/uio.h>
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
    bool owns_socket = true;
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
    // The RTX stream's own counters (config.rtx), under tx_mutex.
    uint16_t rtx_sequence = 0;
    uint32_t rtx_packets = 0, rtx_octets = 0;

    // Feedback: a thread reading receivers' RTCP; the history of sent packets it resends from.
    struct Sent {
        Clock::time_point when{};
        std::vector<uint8_t> packet;  // unprotected
    };
    std::vector<Sent> history;                                   // by sequence number (under tx_mutex)
    std::deque<std::pair<Clock::time_point, uint16_t>> history_order;
    std::atomic<uint32_t> media_ssrc{0};                         // what feedback must name
    std::optional<uint8_t> last_fir;
    std::unique_ptr<detail::SrtpSession> feedback_srtp;
    std::atomic<bool> stop_feedback{false};
    std::thread feedback_thread;
    std::mt19937_64 loss_rng;
    std::vector<std::vector<uint8_t>> kept;                      // what simulated loss let through

    std::mutex tx_mutex;  // one transmitter at a time: SRTP context, RTCP counters, socket order
    std::vector<std::vector<uint8_t>> protected_packets;
    std::vector<mmsghdr> headers;
    std::vector<iovec> iovecs;
    struct Control {
        alignas(cmsghdr) char buf[CMSG_SPACE(sizeof(uint16_t))];
    };
    std::vector<Control> gso_control;
    std::vector<std::pair<size_t, size_t>> runs;  // message -> packets [first, second)
    bool gso = true;

    // Sends datagrams with as few system calls as possible (sendmmsg). Caller holds tx_mutex.
    void transmit_batch(const std::vector<std::vector<uint8_t>>& packets, size_t first, size_t count, bool rtcp) {
        const std::vector<std::vector<uint8_t>>* source = &packets;
        size_t base = first;
        uint64_t errors = 0, datagrams = 0, bytes = 0, lost = 0;
        if (config.simulated_loss > 0 && !rtcp) {
            std::uniform_real_distribution<double> draw(0.0, 1.0);
            kept.clear();
            for (size_t i = 0; i < count; ++i) {
                if (draw(loss_rng) < config.simulated_loss) ++lost;
                else kept.push_back(packets[first + i]);
            }
            source = &kept;
            base = 0;
            count = kept.size();
        }
        if (srtp) {
            protected_packets.resize(std::max(protected_packets.size(), count));
            size_t ok = 0;
            for (size_t i = 0; i < count; ++i) {
                auto& buf = protected_packets[ok];
                buf.assign((*source)[base + i].begin(), (*source)[base + i].end());
                if (srtp->protect(buf, rtcp)) ++ok;
            }
            errors += count - ok;
            count = ok;
            source = &protected_packets;
            base = 0;
        }
        size_t done = 0;
        while (done < count) done += send_messages(*source, base + done, count - done, rtcp, errors, datagrams, bytes);
        std::lock_guard lock(mutex);
        stats.send_errors += errors;
        stats.simulated_losses += lost;
        if (rtcp) {
            stats.rtcp_reports += datagrams;
        } else {
            stats.packets += datagrams;
            stats.bytes += bytes;
        }
    }

    // Sends packets [base, base + count) of `source`; returns how many were dealt with (all,
    // unless UDP GSO turned out to be unavailable, in which case it is switched off and the
    // caller sends the rest again).
    size_t send_messages(const std::vector<std::vector<uint8_t>>& source, size_t base, size_t count, bool rtcp,
                         uint64_t& errors, uint64_t& datagrams, uint64_t& bytes) {
        const auto* addr = reinterpret_cast<const sockaddr*>(rtcp ? &rtcp_addr : &rtp_addr);
        // One message per run of equal-sized datagrams (the last of a run may be shorter):
        // with UDP GSO the kernel splits it into datagrams of that size, so a frame of
        // full-MTU fragments makes one trip through the stack instead of one per packet.
        iovecs.resize(count);
        headers.clear();
        runs.clear();
        gso_control.resize(count);
        for (size_t i = 0; i < count;) {
            const size_t seg = source[base + i].size();
            size_t j = i + 1, total = seg;
            if (gso && !rtcp) {
                while (j < count && j - i < 64 && total + source[base + j].size() <= 60000 &&
                       source[base + j].size() <= seg) {
                    total += source[base + j].size();
                    const bool shorter = source[base + j].size() < seg;
                    ++j;
                    if (shorter) break;  // only the last segment may be shorter
                }
            }
            for (size_t k = i; k < j; ++k)
                iovecs[k] = {const_cast<uint8_t*>(source[base + k].data()), source[base + k].size()};
            mmsghdr h{};
            h.msg_hdr.msg_name = const_cast<sockaddr*>(addr);
            h.msg_hdr.msg_namelen = rtcp ? rtcp_len : rtp_len;
            h.msg_hdr.msg_iov = &iovecs[i];
            h.msg_hdr.msg_iovlen = j - i;
            if (j - i > 1) {
                auto& ctl = gso_control[headers.size()];
                std::memset(ctl.buf, 0, sizeof ctl.buf);
                h.msg_hdr.msg_control = ctl.buf;
                h.msg_hdr.msg_controllen = sizeof ctl.buf;
                cmsghdr* cm = CMSG_FIRSTHDR(&h.msg_hdr);
                cm->cmsg_level = SOL_UDP;
                cm->cmsg_type = UDP_SEGMENT;
                cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                const uint16_t size16 = static_cast<uint16_t>(seg);
                std::memcpy(CMSG_DATA(cm), &size16, sizeof size16);
            }
            headers.push_back(h);
            runs.emplace_back(i, j);
            i = j;
        }
        size_t sent = 0;
        while (sent < headers.size()) {
            const int n = ::sendmmsg(fd, headers.data() + sent, static_cast<unsigned>(headers.size() - sent), 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (gso && headers[sent].msg_hdr.msg_iovlen > 1 &&
                    (errno == EINVAL || errno == EIO || errno == EOPNOTSUPP || errno == ENOPROTOOPT)) {
                    gso = false;  // no UDP GSO on this kernel/route: one datagram per message from now on
                    return runs[sent].first;
                }
                errors += runs[sent].second - runs[sent].first;  // skip the failed message, go on
                ++sent;
                continue;
            }
            for (size_t m = sent; m < sent + static_cast<size_t>(n); ++m) {
                datagrams += runs[m].second - runs[m].first;
                for (size_t k = runs[m].first; k < runs[m].second; ++k) bytes += source[base + k].size();
            }
            sent += static_cast<size_t>(n);
        }
        return count;
    }

    // Waits until `bytes` may go out under the pacing rate.
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
        std::lock_guard tx(tx_mutex);
        if (!config.rtcp || !have_rtp) return;
        const double elapsed = std::chrono::duration<double>(Clock::now() - last_ts_time).count();
        const uint32_t ts = last_ts + static_cast<uint32_t>(elapsed * kVideoClockRate);
        const uint64_t ntp = detail::ntp_now();  // one instant for both streams' reports
        std::vector<std::vector<uint8_t>> packets;
        const auto report = [&](uint32_t source, uint32_t count, uint32_t octets) {
            packets.push_back(bye ? detail::make_bye(source, ntp, ts, count, octets, config.cname)
                                  : detail::make_sender_report(source, ntp, ts, count, octets, config.cname));
        };
        report(ssrc, rtp_packets, rtp_octets);
        if (rtx_packets > 0) report(config.rtx->ssrc, rtx_packets, rtx_octets);  // a stream of its own (RFC 4588 §5)
        transmit_batch(packets, 0, packets.size(), true);
    }

    void send_frame(QueuedFrame& frame) {
        std::lock_guard tx(tx_mutex);
        auto& packets = frame.packets;
        // Drop anything too short to be RTP up front.
        packets.erase(std::remove_if(packets.begin(), packets.end(),
                                     [](const std::vector<uint8_t>& p) { return p.size() < kHeaderSize; }),
                      packets.end());
        constexpr size_t kBatch = 64;
        size_t i = 0;
        while (i < packets.size()) {
            size_t n = 1;
            if (config.pacing_rate <= 0) {
                n = std::min(kBatch, packets.size() - i);
            } else {
                pace(packets[i].size() + 28);  // IP + UDP headers count against the rate
            }
            transmit_batch(packets, i, n, false);
            for (size_t k = i; k < i + n; ++k) {
                const auto& p = packets[k];
                if (!have_rtp || get32(&p[4]) != last_ts) last_ts_time = Clock::now();
                have_rtp = true;
                ssrc = get32(&p[8]);
                last_ts = get32(&p[4]);
                ++rtp_packets;
                rtp_octets += static_cast<uint32_t>(p.size() - kHeaderSize);
                remember(p);
            }
            i += n;
        }
        media_ssrc = ssrc;
        const double latency = std::chrono::duration<double, std::milli>(Clock::now() - frame.queued).count();
        std::lock_guard lock(mutex);
        ++stats.frames;
        stats.last_frame_latency_ms = latency;
        stats.max_frame_latency_ms = std::max(stats.max_frame_latency_ms, latency);
        latency_sum_ms += latency;
        stats.mean_frame_latency_ms = latency_sum_ms / static_cast<double>(stats.frames);
    }

    // Keeps a sent packet for retransmission; forgets what is older than the history. Caller holds tx_mutex.
    void remember(const std::vector<uint8_t>& packet) {
        if (config.retransmit_history.count() <= 0) return;
        const auto now = Clock::now();
        while (!history_order.empty() && now - history_order.front().first > config.retransmit_history) {
            Sent& old = history[history_order.front().second];
            if (old.when == history_order.front().first) old = Sent{};
            history_order.pop_front();
        }
        const uint16_t seq = static_cast<uint16_t>(packet[2] << 8 | packet[3]);
        history[seq] = {now, packet};
        history_order.emplace_back(now, seq);
    }

    void retransmit(const std::vector<uint16_t>& sequences) {
        std::lock_guard tx(tx_mutex);
        std::vector<std::vector<uint8_t>> again;
        const auto now = Clock::now();
        for (uint16_t seq : sequences) {
            if (history.empty()) break;  // retransmission is off
            const Sent& s = history[seq];
            if (s.packet.empty() || now - s.when > config.retransmit_history) continue;
            if (!config.rtx) {
                again.push_back(s.packet);
                continue;
            }
            auto rtx = make_rtx_packet(s.packet, config.rtx->payload_type, config.rtx->ssrc, rtx_sequence);
            if (rtx.empty()) continue;  // not RTP: nothing a receiver could use
            ++rtx_sequence;
            ++rtx_packets;
            rtx_octets += static_cast<uint32_t>(rtx.size() - kHeaderSize);
            again.push_back(std::move(rtx));
        }
        if (!again.empty()) transmit_batch(again, 0, again.size(), false);
        std::lock_guard lock(mutex);
        stats.nacked += sequences.size();
        stats.retransmitted += again.size();
    }

    void handle_feedback(std::vector<uint8_t>& packet) {
        if (feedback_srtp && !feedback_srtp->unprotect(packet, true)) return;
        const auto feedback = parse_feedback(packet, media_ssrc);
        if (!feedback || media_ssrc == 0) return;
        {
            std::lock_guard lock(mutex);
            ++stats.feedback_packets;
        }
        if (!feedback->nacked.empty()) retransmit(feedback->nacked);
        bool keyframe = feedback->picture_loss;
        if (feedback->fir_sequence && feedback->fir_sequence != last_fir) {  // a repeated FIR is the same request
            last_fir = feedback->fir_sequence;
            keyframe = true;
        }
        if (keyframe) {
            {
                std::lock_guard lock(mutex);
                ++stats.keyframe_requests;
            }
            if (config.on_keyframe_request) config.on_keyframe_request();
        }
        if (feedback->remb_bitrate) {
            {
                std::lock_guard lock(mutex);
                ++stats.bitrate_estimates;
                stats.last_bitrate_estimate = *feedback->remb_bitrate;
            }
            if (config.on_bitrate_estimate) config.on_bitrate_estimate(*feedback->remb_bitrate);
        }
    }

    // Receivers send their RTCP to where ours comes from: this socket.
    void listen() {
        std::vector<uint8_t> buffer(2048);
        while (!stop_feedback) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
            if (n <= 0) continue;
            std::vector<uint8_t> packet(buffer.begin(), buffer.begin() + n);
            handle_feedback(packet);
        }
    }

    void run() {
        std::unique_lock lock(mutex);
        for (;;) {
            wake.wait_until(lock, next_rtcp, [&] { return stopping || (!queue.empty() && !busy); });
            if (!queue.empty() && !busy) {
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
            } else if (stopping && queue.empty() && !busy) {
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
    if (!(config.simulated_loss >= 0 && config.simulated_loss < 1))
        throw Error(ErrorCode::InvalidArgument, "simulated loss must be in [0, 1)");
    if (config.rtx && config.rtx->payload_type > 127)
        throw Error(ErrorCode::InvalidArgument,
                    "RTX payload type " + std::to_string(config.rtx->payload_type) + " is out of range (0..127)");
    if (config.srtp) {
        s.srtp = std::make_unique<detail::SrtpSession>(*config.srtp, detail::SrtpSession::Direction::Outbound);
        // Receivers keyed like us (one SDP crypto line, as nvcast receive) protect their RTCP with
        // it; DTLS-SRTP gives them a key of their own.
        s.feedback_srtp = std::make_unique<detail::SrtpSession>(config.srtp_inbound.value_or(*config.srtp),
                                                                detail::SrtpSession::Direction::Inbound);
    }
    sockaddr_storage local{};
    socklen_t local_len = sizeof local;
    if (config.socket >= 0) {
        s.fd = config.socket;
        s.owns_socket = false;
    } else {
        s.fd = ::socket(s.rtp_addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s.fd < 0) throw Error(ErrorCode::Io, std::string("cannot open a UDP socket: ") + std::strerror(errno));
        const int buf = static_cast<int>(std::min<size_t>(config.socket_buffer_bytes, 1u << 30));
        ::setsockopt(s.fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
        // Bound now (any address, an ephemeral port), so the port receivers answer to is known.
        local.ss_family = s.rtp_addr.ss_family;
        local_len = local.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
        ::bind(s.fd, reinterpret_cast<sockaddr*>(&local), local_len);
    }
    if (::getsockname(s.fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0)
        s.stats.local_port = ntohs(local.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                                                               : reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    if (config.retransmit_history.count() > 0) s.history.resize(65536);
    s.loss_rng.seed(config.loss_seed);
    s.rtx_sequence = static_cast<uint16_t>(std::random_device{}());  // random start (RFC 3550 §5.1)
    s.next_rtcp = Clock::now() + std::chrono::milliseconds(200);  // first report soon after the start
    s.thread = std::thread([&s] { s.run(); });
    if (s.owns_socket) s.feedback_thread = std::thread([&s] { s.listen(); });
}

UdpSender::~UdpSender() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
    impl_->stop_feedback = true;
    if (impl_->feedback_thread.joinable()) impl_->feedback_thread.join();
    if (impl_->fd >= 0 && impl_->owns_socket) ::close(impl_->fd);
}

void UdpSender::receive_feedback(std::vector<uint8_t> packet) { impl_->handle_feedback(packet); }

void UdpSender::send(PacketList packets, std::optional<Clock::time_point> origin) {
    Impl& s = *impl_;
    size_t bytes = 0;
    for (const auto& p : packets) bytes += p.size();
    const auto now = origin.value_or(Clock::now());
    {
        std::unique_lock lock(s.mutex);
        // Unpaced and nothing waiting: send from the caller's thread, which saves the
        // hand-over to the sender thread (the lowest latency path).
        if (s.config.pacing_rate <= 0 && s.queue.empty() && !s.busy && !s.stopping) {
            s.busy = true;
            lock.unlock();
            Impl::QueuedFrame frame{std::move(packets), bytes, now};
            s.send_frame(frame);
            lock.lock();
            s.busy = false;
            s.idle.notify_all();
            s.wake.notify_one();
            return;
        }
        if (s.stats.queued_packets + packets.size() > s.config.max_queue_packets) {
            ++s.stats.dropped_frames;
            return;
        }
        s.stats.queued_packets += packets.size();
        s.stats.queued_bytes += bytes;
        s.queue.push_back({std::move(packets), bytes, now});
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
