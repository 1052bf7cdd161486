// The subscribing end of a packet channel (include/nvcast/ipc.h): packets out of the publisher's
// ring, requests back to its encoder.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>

#include "ipc/packet_channel.h"
#include "ipc/shared_memory.h"
#include "ipc/subscriber_endpoint.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/log.h"

namespace nvcast::ipc {
namespace {

using Clock = std::chrono::steady_clock;

class PacketSubscriberSource final : public PacketSource {
public:
    PacketSubscriberSource(std::string_view name, double timeout_s) : name_(name), timeout_s_(timeout_s) {
        check_channel_name(name);
        connect(true);
    }

    const StreamInfo& info() const override { return info_; }
    int64_t bitrate() const override { return bitrate_; }

    bool read(Packet& packet) override {
        auto last = Clock::now();
        for (;;) {
            if (interrupted_ || ended_) return false;
            char buf[kMaxMessageBytes];
            size_t n = 0;
            const auto r = socket().receive(buf, sizeof buf, n, 100);
            if (r == SeqPacketSocket::Received::Timeout) {
                if (std::chrono::duration<double>(Clock::now() - last).count() > timeout_s_)
                    throw Error(ErrorCode::Io, label() + ": no packet for " + seconds_text(timeout_s_));
                continue;
            }
            if (r == SeqPacketSocket::Received::Closed) {
                log(LogLevel::Warn, label() + ": the encoder went away after " + std::to_string(packets_) +
                                        " packets without ending the stream; waiting up to " + seconds_text(timeout_s_) +
                                        " for it to come back");
                connect(false);
                last = Clock::now();
                continue;
            }
            MessageType type{};
            std::memcpy(&type, buf, sizeof type);
            if (type == MessageType::End) {
                ended_ = true;
                return false;
            }
            if (type != MessageType::Packet || n != sizeof(PacketMessage)) continue;
            PacketMessage m;
            std::memcpy(&m, buf, sizeof m);
            const size_t ring = ring_.size(), at = static_cast<size_t>(m.position % ring);
            if (m.size > ring || at + m.size > ring)
                throw Error(ErrorCode::InvalidData, label() + ": the publisher sent a packet outside its ring");
            packet.data.assign(ring_.data() + at, ring_.data() + at + m.size);
            packet.pts = m.pts;
            packet.dts = m.dts;
            packet.type = static_cast<FrameType>(m.frame_type);
            packet.keyframe = m.keyframe != 0;
            const PacketReleaseMessage done{MessageType::PacketRelease, m.position + m.size};
            send(&done, sizeof done);
            ++packets_;
            return true;
        }
    }

    void request_keyframe() override {
        const KeyframeRequestMessage m;
        send(&m, sizeof m);
    }

    void request_bitrate(int64_t bits_per_second) override {
        const BitrateRequestMessage m{MessageType::BitrateRequest, bits_per_second};
        send(&m, sizeof m);
    }

    void interrupt() override { interrupted_ = true; }

private:
    std::string label() const { return packet_channel_label(name_); }

    const SeqPacketSocket& socket() const { return socket_; }

    // Requests come from receivers' threads while read() may be replacing the connection.
    void send(const void* data, size_t size) {
        std::lock_guard lock(mutex_);
        socket_.send(data, size);  // a publisher that is gone needs nothing
    }

    void connect(bool first) {
        Greeting g = await_publisher(packet_channel_address(name_), label(), timeout_s_, interrupted_,
                                     "start the encoder with the output ipc:" + name_);
        PacketHelloMessage h;
        if (g.hello.size() != sizeof h || g.fds.size() != 1)
            throw Error(ErrorCode::InvalidData, label() + ": the publisher does not speak this build's packet channel");
        std::memcpy(&h, g.hello.data(), sizeof h);
        if (h.type != MessageType::PacketHello || h.magic != kChannelMagic || h.version != kPacketChannelVersion ||
            h.header_bytes > kMaxCodecHeaderBytes)
            throw Error(ErrorCode::InvalidData, label() + ": the publisher speaks another packet channel version");
        StreamInfo info = stream_info_from(h);
        if (!first && (info.codec != info_.codec || info.width != info_.width || info.height != info_.height))
            throw Error(ErrorCode::InvalidData, label() + ": the encoder came back with another codec or size");
        SharedMemory ring = SharedMemory::map(g.fds[0].release(), h.ring_bytes);
        std::lock_guard lock(mutex_);
        socket_ = std::move(g.socket);
        ring_ = std::move(ring);
        info_ = std::move(info);
        bitrate_ = h.bitrate;
        if (!first) log(LogLevel::Warn, label() + ": the encoder is back; going on");
    }

    std::string name_;
    double timeout_s_;
    StreamInfo info_;
    int64_t bitrate_ = 0;
    std::mutex mutex_;
    SeqPacketSocket socket_;
    SharedMemory ring_;
    int64_t packets_ = 0;
    bool ended_ = false;
    std::atomic<bool> interrupted_{false};
};

}  // namespace

std::unique_ptr<PacketSource> open_packet_subscriber(std::string_view name, double timeout_s) {
    return std::make_unique<PacketSubscriberSource>(name, timeout_s);
}

}  // namespace nvcast::ipc
