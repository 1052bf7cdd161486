// The subscribing end of a frame channel: a FrameSource over the publisher's ring
// (open_source("ipc:NAME")). Frames are views of the ring's slots; a slot goes back to the
// publisher when the last copy of its frame is gone.
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>

#include "ipc/device_ring.h"
#include "ipc/frame_channel.h"
#include "ipc/seqpacket_socket.h"
#include "ipc/shared_memory.h"
#include "ipc/subscriber_endpoint.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/log.h"

namespace nvcast::ipc {
namespace {

using Clock = std::chrono::steady_clock;

// One connection to one publisher process: its socket and its ring, alive while any frame of it is.
struct Connection {
    SeqPacketSocket socket;
    SharedMemory ring;       // host frames
    DeviceRing device_ring;  // CUDA frames
    SlotLayout layout;
    int slots = 0;
    std::mutex send_mutex;

    uint8_t* ring_data() const { return device_ring.valid() ? device_ring.data() : ring.data(); }

    void give_back(int slot, uint64_t token) {
        if (device_ring.valid()) device_ring.mark_released(slot, token);  // after the GPU work queued on the frame
        const ReleaseMessage m{MessageType::Release, slot};
        std::lock_guard lock(send_mutex);
        socket.send(&m, sizeof m);  // a publisher that is gone needs no slot back
    }
};

std::string format_of(const SourceInfo& i) {
    return std::to_string(i.width) + "x" + std::to_string(i.height) + " " + std::string(to_string(i.format)) +
           (i.memory == MemoryType::Cuda ? " (CUDA)" : "");
}

class SubscriberSource final : public FrameSource {
public:
    SubscriberSource(std::string_view name, double timeout_s) : name_(name), timeout_s_(timeout_s) {
        check_channel_name(name);
        connect(true);
    }

    const SourceInfo& info() const override { return info_; }

    bool read(Frame& frame) override {
        auto last = Clock::now();
        for (;;) {
            if (interrupted_ || ended_) return false;
            char buf[kMaxMessageBytes];
            size_t n = 0;
            const auto r = connection_->socket.receive(buf, sizeof buf, n, 100);
            if (r == SeqPacketSocket::Received::Timeout) {
                if (seconds_since(last) > timeout_s_)
                    throw Error(ErrorCode::Io, label() + ": no frame for " + seconds_text(timeout_s_));
                continue;
            }
            if (r == SeqPacketSocket::Received::Closed) {
                log(LogLevel::Warn, label() + ": the publisher went away after " + std::to_string(frames_) +
                                        " frames without ending the stream; waiting up to " + seconds_text(timeout_s_) +
                                        " for it to come back");
                connect(false);
                last = Clock::now();
                continue;
            }
            MessageType type;
            std::memcpy(&type, buf, sizeof type);
            if (type == MessageType::End) {
                ended_ = true;
                return false;
            }
            if (type != MessageType::Frame || n != sizeof(FrameMessage)) continue;
            FrameMessage m;
            std::memcpy(&m, buf, sizeof m);
            if (m.slot < 0 || m.slot >= connection_->slots)
                throw Error(ErrorCode::InvalidData, label() + ": the publisher sent slot " + std::to_string(m.slot));
            frame = slot_frame(m);
            ++frames_;
            return true;
        }
    }

    void interrupt() override { interrupted_ = true; }

private:
    std::string label() const { return channel_label(name_); }
    static double seconds_since(Clock::time_point t) {
        return std::chrono::duration<double>(Clock::now() - t).count();
    }

    // Connects (first time, or after losing the publisher) and takes the Hello and the ring.
    void connect(bool first) {
        Greeting g = await_publisher(channel_address(name_), label(), timeout_s_, interrupted_,
                                     "start one with `nvcast capture INPUT --publish " + name_ + "`");
        HelloMessage h;
        if (g.hello.size() != sizeof h)
            throw Error(ErrorCode::InvalidData, label() + ": the publisher does not speak this build's frame channel");
        std::memcpy(&h, g.hello.data(), sizeof h);
        if (h.type != MessageType::Hello || h.magic != kChannelMagic || h.version != kChannelVersion)
            throw Error(ErrorCode::InvalidData, label() + ": the publisher speaks frame channel version " +
                                                    std::to_string(h.version) + ", this build " +
                                                    std::to_string(kChannelVersion));
        const SourceInfo info = source_info_from(h);
        if (h.slots < 1 || h.slots > kMaxFrameSlots)
            throw Error(ErrorCode::InvalidData, label() + ": the publisher announced " + std::to_string(h.slots) + " slots");
        if (!first && (info.width != info_.width || info.height != info_.height || info.format != info_.format ||
                       info.memory != info_.memory))
            throw Error(ErrorCode::InvalidData, label() + ": the publisher came back with " + format_of(info) +
                                                    " frames, the stream so far is " + format_of(info_));
        const bool on_device = info.memory == MemoryType::Cuda;
        if (g.fds.size() != (on_device ? 2u : 1u))
            throw Error(ErrorCode::InvalidData, label() + ": the publisher's Hello came with " +
                                                    std::to_string(g.fds.size()) + " descriptors");
        auto c = std::make_shared<Connection>();
        c->layout = h.layout;
        c->slots = h.slots;
        const size_t ring_bytes = h.layout.bytes * static_cast<size_t>(h.slots);
        if (on_device) {
            if (h.device.allocation_bytes < ring_bytes)
                throw Error(ErrorCode::InvalidData, label() + ": the publisher's device ring is smaller than its slots");
            c->device_ring = DeviceRing::import(g.fds[0].release(), g.fds[1].release(), h.device);
        } else {
            c->ring = SharedMemory::map(g.fds[0].release(), ring_bytes);
        }
        c->socket = std::move(g.socket);
        connection_ = std::move(c);
        info_ = info;
        if (!first) log(LogLevel::Warn, label() + ": the publisher is back; going on");
    }

    Frame slot_frame(const FrameMessage& m) const {
        std::array<uint8_t*, Frame::kMaxPlanes> data{};
        std::array<int, Frame::kMaxPlanes> pitch{};
        const Connection& c = *connection_;
        for (int p = 0; p < format_info(info_.format).planes; ++p) {
            data[p] = c.ring_data() + c.layout.bytes * static_cast<size_t>(m.slot) + c.layout.offset[p];
            pitch[p] = c.layout.pitch[p];
        }
        // Published frames are complete (FramePublisher::publish()): nothing to wait for.
        // The lease holds the connection (socket and mapping) until the frame's last copy is gone.
        std::shared_ptr<Connection> owner = connection_;
        const int slot = m.slot;
        const uint64_t token = m.token;
        std::shared_ptr<void> lease(nullptr, [owner, slot, token](void*) { owner->give_back(slot, token); });
        Frame f = Frame::wrap(info_.format, info_.width, info_.height, info_.memory, data, pitch, std::move(lease));
        f.pts = m.pts;
        f.color = info_.color;
        return f;
    }

    std::string name_;
    double timeout_s_;
    SourceInfo info_;
    std::shared_ptr<Connection> connection_;
    int64_t frames_ = 0;
    bool ended_ = false;
    std::atomic<bool> interrupted_{false};
};

}  // namespace

std::unique_ptr<FrameSource> open_subscriber(std::string_view name, double timeout_s) {
    return std::make_unique<SubscriberSource>(name, timeout_s);
}

}  // namespace nvcast::ipc
