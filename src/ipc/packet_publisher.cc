// The publishing end of a packet channel: a PacketSink (include/nvcast/ipc.h).
#include <algorithm>
#include <chrono>
#include <cstring>

#include "ipc/packet_channel.h"
#include "ipc/publisher_endpoint.h"
#include "ipc/shared_memory.h"
#include "ipc/subscriber_endpoint.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/log.h"

namespace nvcast::ipc {
namespace {

class PacketPublisherSink final : public PacketSink {
public:
    PacketPublisherSink(PacketPublisherConfig config, const StreamInfo& info) : config_(std::move(config)), info_(info) {
        check_channel_name(config_.name);
        const std::string label = packet_channel_label(config_.name);
        if (config_.ring_bytes < (size_t{1} << 16))
            throw Error(ErrorCode::InvalidArgument, label + ": a packet ring needs at least 64 KiB");
        if (info.codec_headers.size() > kMaxCodecHeaderBytes)
            throw Error(ErrorCode::Unsupported, label + ": codec headers of " + std::to_string(info.codec_headers.size()) +
                                                    " bytes do not fit the channel's Hello (" +
                                                    std::to_string(kMaxCodecHeaderBytes) + ")");
        ring_ = SharedMemory::create(config_.ring_bytes, "nvcast-packets");
        endpoint_ = std::make_unique<PublisherEndpoint>(
            packet_channel_address(config_.name), label,
            PublisherEndpoint::Handlers{[this](const SeqPacketSocket& s) { return greet(s); },
                                        [this](const char* data, size_t size) { take(data, size); },
                                        [this] { lost(); }});
    }

    ~PacketPublisherSink() override { close(); }

    void write(const Packet& p) override {
        if (closed_) throw Error(ErrorCode::InvalidState, endpoint_->label() + ": write after close");
        ++stats_.packets;
        endpoint_->pump(0);
        if (stats_.packets == 1 && !endpoint_->connected()) wait_for_first_subscriber();
        if (!endpoint_->connected()) {
            ++stats_.dropped_no_subscriber;
            need_keyframe_ = true;
            return;
        }
        const size_t ring = config_.ring_bytes;
        if (p.size() > ring / 4)
            throw Error(ErrorCode::ResourceExhausted, endpoint_->label() + ": a packet of " + std::to_string(p.size()) +
                                                          " bytes exceeds a quarter of the " + std::to_string(ring) +
                                                          "-byte ring");
        uint64_t position = written_;
        if (position % ring + p.size() > ring) position += ring - position % ring;  // never wrap inside a packet
        if (need_keyframe_ && !p.keyframe) {
            // A subscriber that caught up after falling behind needs a keyframe to go on from.
            if (!keyframe_asked_ && fits(position, p.size()) && config_.on_keyframe_request) {
                config_.on_keyframe_request();
                keyframe_asked_ = true;
            }
            ++stats_.dropped_until_keyframe;
            return;
        }
        switch (wait_for_room(position, p.size())) {
            case Room::Gone: ++stats_.dropped_no_subscriber; return;
            case Room::Behind:
                ++stats_.dropped_subscriber_behind;
                need_keyframe_ = true;
                keyframe_asked_ = false;
                return;
            case Room::Free: break;
        }
        need_keyframe_ = false;
        std::memcpy(ring_.data() + position % ring, p.data.data(), p.size());
        PacketMessage m;
        m.size = static_cast<uint32_t>(p.size());
        m.position = position;
        m.pts = p.pts;
        m.dts = p.dts;
        m.frame_type = static_cast<int32_t>(p.type);
        m.keyframe = p.keyframe ? 1 : 0;
        if (!endpoint_->send(&m, sizeof m)) {
            ++stats_.dropped_no_subscriber;
            return;
        }
        written_ = position + p.size();
        ++endpoint_->current().sent;
    }

    void close() override {
        if (closed_) return;
        closed_ = true;
        endpoint_->pump(0);
        if (endpoint_->connected()) {
            EndMessage end;
            end.frames = static_cast<uint64_t>(endpoint_->current().sent);
            endpoint_->send(&end, sizeof end);
        }
        std::string subs;
        for (size_t i = 0; i < endpoint_->subscribers().size(); ++i)
            subs += (i ? ", " : "") + std::to_string(endpoint_->subscribers()[i].sent) + " to subscriber " +
                    std::to_string(i + 1);
        log(LogLevel::Info, endpoint_->label() + ": " + std::to_string(stats_.packets) + " packets: " +
                                (subs.empty() ? std::string("no subscriber came") : subs) + "; dropped " +
                                std::to_string(stats_.dropped_no_subscriber) + " with no subscriber, " +
                                std::to_string(stats_.dropped_until_keyframe) + " before a keyframe, " +
                                std::to_string(stats_.dropped_subscriber_behind) + " while the subscriber was behind");
    }

    PacketPublisherStats stats() const {
        PacketPublisherStats s = stats_;
        s.subscribers = endpoint_->subscribers();
        return s;
    }

private:
    enum class Room { Free, Behind, Gone };

    bool fits(uint64_t position, size_t size) const { return position + size - done_ <= config_.ring_bytes; }

    // Waits for the subscriber to free room for `size` bytes at `position`: at most behind_wait_s,
    // and not at all while it is known to be behind (until it has caught up).
    Room wait_for_room(uint64_t position, size_t size) {
        using Clock = std::chrono::steady_clock;
        const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(behind_ ? 0.0 : config_.behind_wait_s));
        for (;;) {
            if (!endpoint_->connected()) return Room::Gone;
            if (fits(position, size)) {
                behind_ = false;
                return Room::Free;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
            if (left <= 0) break;
            endpoint_->pump(static_cast<int>(std::min<int64_t>(left, 100)));
        }
        if (!behind_)
            log(LogLevel::Warn, endpoint_->label() + ": subscriber " + std::to_string(endpoint_->subscribers().size()) +
                                    " has not read for " + seconds_text(config_.behind_wait_s) +
                                    " (the ring is full); dropping packets until it catches up");
        behind_ = true;
        return Room::Behind;
    }

    bool greet(const SeqPacketSocket& s) {
        const PacketHelloMessage h = packet_hello_for(info_, config_.bitrate, config_.ring_bytes);
        const int fd = ring_.fd();
        if (!s.send(&h, sizeof h, {&fd, 1})) return false;
        written_ = done_ = 0;
        need_keyframe_ = true;
        behind_ = false;
        keyframe_asked_ = true;  // asked just below (or the first packet is one)
        // The newcomer starts at a keyframe: ask for one unless the stream's first packet (one) is next.
        if (stats_.packets > 1 && config_.on_keyframe_request) config_.on_keyframe_request();
        return true;
    }

    void wait_for_first_subscriber() {
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(config_.first_subscriber_wait_s));
        if (config_.first_subscriber_wait_s > 0)
            log(LogLevel::Info, endpoint_->label() + ": waiting up to " + std::to_string(config_.first_subscriber_wait_s) +
                                    " s for a subscriber (nvcast relay ipc:" + config_.name + " …)");
        while (!endpoint_->connected() && std::chrono::steady_clock::now() < until) endpoint_->pump(50);
    }

    void take(const char* data, size_t size) {
        MessageType type{};
        if (size < sizeof type) return;
        std::memcpy(&type, data, sizeof type);
        if (type == MessageType::PacketRelease && size == sizeof(PacketReleaseMessage)) {
            PacketReleaseMessage m;
            std::memcpy(&m, data, sizeof m);
            if (m.done > done_ && m.done <= written_) done_ = m.done;
            ++endpoint_->current().returned;
        } else if (type == MessageType::KeyframeRequest) {
            ++stats_.keyframe_requests;
            if (config_.on_keyframe_request) config_.on_keyframe_request();
        } else if (type == MessageType::BitrateRequest && size == sizeof(BitrateRequestMessage)) {
            BitrateRequestMessage m;
            std::memcpy(&m, data, sizeof m);
            ++stats_.bitrate_requests;
            if (config_.on_bitrate_request && m.bits_per_second > 0) config_.on_bitrate_request(m.bits_per_second);
        }
    }

    void lost() {
        const SubscriberStats& s = endpoint_->current();
        log(LogLevel::Warn, endpoint_->label() + ": subscriber " + std::to_string(endpoint_->subscribers().size()) +
                                " went away after " + std::to_string(s.sent) + " packets; waiting for another");
        need_keyframe_ = true;
    }

    PacketPublisherConfig config_;
    StreamInfo info_;
    SharedMemory ring_;
    std::unique_ptr<PublisherEndpoint> endpoint_;
    uint64_t written_ = 0;  // ring position after the last packet sent
    uint64_t done_ = 0;     // ring position the subscriber has finished with
    bool need_keyframe_ = true;
    bool keyframe_asked_ = true;  // need_keyframe_ and the encoder was asked for one
    bool behind_ = false;         // the subscriber let the ring stay full for behind_wait_s
    bool closed_ = false;
    PacketPublisherStats stats_;
};

}  // namespace

std::shared_ptr<PacketSink> open_packet_publisher(PacketPublisherConfig config, const StreamInfo& info) {
    return std::make_shared<PacketPublisherSink>(std::move(config), info);
}

PacketPublisherStats packet_publisher_stats(const PacketSink& sink) {
    const auto* p = dynamic_cast<const PacketPublisherSink*>(&sink);
    return p ? p->stats() : PacketPublisherStats{};
}

}  // namespace nvcast::ipc
