// The publishing end of a frame channel (include/nvcast/ipc.h).
#include <atomic>
#include <array>
#include <cstring>

#include "gpu/frame_transfer.h"
#include "ipc/backoff.h"
#include "ipc/device_ring.h"
#include "ipc/frame_channel.h"
#include "ipc/publisher_endpoint.h"
#include "ipc/shared_memory.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/log.h"

namespace nvcast::ipc {

struct FramePublisher::State {
    PublisherConfig config;
    SourceInfo info;
    SlotLayout layout;
    SharedMemory ring;       // host frames
    DeviceRing device_ring;  // CUDA frames
    std::unique_ptr<PublisherEndpoint> endpoint;
    std::vector<Frame> slot_frames;  // each slot as a Frame over the ring
    std::vector<bool> slot_held;     // sent and not yet returned
    Frame scratch;                   // what next_buffer() hands out when no slot can be used
    Frame handed;                    // next_buffer()'s frame: a view of a slot (or of scratch) that a
                                     // source may overwrite with a frame of its own
    int handed_out = -1;             // the slot next_buffer() returned, -1: scratch
    uint64_t sequence = 0;           // frames sent to the current subscriber
    // Device rings: each frame's token (DeviceRing), the token of the frame each slot holds, and
    // the `released` flag a slot the subscriber gave back must reach before it is written again.
    uint64_t last_token = 0;
    std::vector<uint64_t> slot_token, release_due;
    PublisherStats stats;
    std::atomic<bool> interrupted{false};
    bool finished = false;

    const std::string& label() const { return endpoint->label(); }
    bool on_device() const { return info.memory == MemoryType::Cuda; }
    uint8_t* ring_data() const { return on_device() ? device_ring.data() : ring.data(); }
    SubscriberStats& current() { return endpoint->current(); }

    int free_slot() const {
        for (size_t i = 0; i < slot_held.size(); ++i)
            if (!slot_held[i]) return static_cast<int>(i);
        return -1;
    }

    bool greet(const SeqPacketSocket& s) {
        HelloMessage hello = hello_for(info, config.slots, layout);
        bool sent;
        if (on_device()) {
            hello.device = device_ring.wire();
            const std::array<int, 2> fds = device_ring.fds();
            sent = s.send(&hello, sizeof hello, fds);
        } else {
            const int fd = ring.fd();
            sent = s.send(&hello, sizeof hello, {&fd, 1});
        }
        if (!sent) return false;
        sequence = 0;
        slot_held.assign(slot_held.size(), false);
        return true;
    }

    void take_message(const char* data, size_t size) {
        ReleaseMessage m;
        if (size != sizeof m) return;
        std::memcpy(&m, data, sizeof m);
        if (m.type == MessageType::Release && m.slot >= 0 && m.slot < config.slots && slot_held[m.slot]) {
            slot_held[m.slot] = false;
            release_due[m.slot] = slot_token[m.slot];
            ++current().returned;
        }
    }

    // The subscriber hung up (exited, crashed, killed): every slot is ours again.
    void lose_subscriber() {
        const SubscriberStats& s = current();
        slot_held.assign(slot_held.size(), false);
        // Its queued writes of `released` flags died with it: nothing of it is waited for any more.
        release_due.assign(release_due.size(), 0);
        log(LogLevel::Warn, label() + ": subscriber " + std::to_string(endpoint->subscribers().size()) +
                                " went away after " + std::to_string(s.sent) + " frames (" +
                                std::to_string(s.sent - s.returned) + " still in its hands); waiting for another");
    }

    void wait_until(bool (State::*ready)() const, const char* what) {
        while (!(this->*ready)()) {
            if (interrupted) throw Error(ErrorCode::InvalidState, label() + ": interrupted while waiting for " + what);
            endpoint->pump(100);
        }
    }
    bool has_subscriber() const { return endpoint->connected(); }

    // Device rings: the subscriber's GPU reads of the slot's last frame are over.
    void wait_for_release(int slot) {
        const size_t i = static_cast<size_t>(slot);
        for (Backoff backoff; device_ring.released_token(slot) < release_due[i]; backoff.pause()) {
            if (interrupted) throw Error(ErrorCode::InvalidState, label() + ": interrupted while waiting for a slot");
            endpoint->pump(0);  // a subscriber that died never sets it: losing it clears release_due
        }
    }
    bool has_free_slot() const { return endpoint->connected() && free_slot() >= 0; }
};

FramePublisher::FramePublisher(PublisherConfig config, const SourceInfo& info) : state_(std::make_unique<State>()) {
    check_channel_name(config.name);
    if (config.slots < kMinFrameSlots || config.slots > kMaxFrameSlots)
        throw Error(ErrorCode::InvalidArgument, "ipc: a frame ring needs " + std::to_string(kMinFrameSlots) + ".." +
                                                    std::to_string(kMaxFrameSlots) + " slots, not " +
                                                    std::to_string(config.slots));
    if (info.width <= 0 || info.height <= 0)
        throw Error(ErrorCode::InvalidArgument, channel_label(config.name) + ": the source has no frame size");
    State& s = *state_;
    s.config = std::move(config);
    s.info = info;
    s.layout = slot_layout(info.format, info.width, info.height, info.memory);
    const size_t ring_bytes = s.layout.bytes * static_cast<size_t>(s.config.slots);
    if (s.on_device())
        s.device_ring = DeviceRing::create(ring_bytes);
    else
        s.ring = SharedMemory::create(ring_bytes, "nvcast-frames");
    s.endpoint = std::make_unique<PublisherEndpoint>(
        channel_address(s.config.name), channel_label(s.config.name),
        PublisherEndpoint::Handlers{[&s](const SeqPacketSocket& sock) { return s.greet(sock); },
                                    [&s](const char* data, size_t size) { s.take_message(data, size); },
                                    [&s] { s.lose_subscriber(); }});
    s.slot_held.assign(static_cast<size_t>(s.config.slots), false);
    s.slot_token.assign(static_cast<size_t>(s.config.slots), 0);
    s.release_due.assign(static_cast<size_t>(s.config.slots), 0);
    for (int i = 0; i < s.config.slots; ++i) {
        std::array<uint8_t*, Frame::kMaxPlanes> data{};
        std::array<int, Frame::kMaxPlanes> pitch{};
        for (int p = 0; p < format_info(info.format).planes; ++p) {
            data[p] = s.ring_data() + s.layout.bytes * static_cast<size_t>(i) + s.layout.offset[p];
            pitch[p] = s.layout.pitch[p];
        }
        s.slot_frames.push_back(Frame::wrap(info.format, info.width, info.height, info.memory, data, pitch));
    }
}

FramePublisher::~FramePublisher() = default;

Frame& FramePublisher::next_buffer() {
    State& s = *state_;
    if (s.finished) throw Error(ErrorCode::InvalidState, s.label() + ": next_buffer() after finish()");
    s.endpoint->pump(0);
    if (!s.config.drop_when_behind) s.wait_until(&State::has_free_slot, "a subscriber and a free slot");
    const int slot = s.endpoint->connected() ? s.free_slot() : -1;
    s.handed_out = slot;
    if (slot >= 0) {
        // The subscriber's GPU reads of this slot's previous frame must be over before the source writes.
        if (s.on_device()) s.wait_for_release(slot);
        s.handed = s.slot_frames[static_cast<size_t>(slot)];
    } else if (s.on_device()) {
        s.handed = Frame();  // a device source draws into buffers of its own
    } else {
        if (s.scratch.empty()) s.scratch = Frame::allocate(s.info.format, s.info.width, s.info.height);
        s.handed = s.scratch;
    }
    return s.handed;
}

void FramePublisher::publish(const Frame& frame) {
    State& s = *state_;
    if (s.finished) throw Error(ErrorCode::InvalidState, s.label() + ": publish() after finish()");
    if (frame.width() != s.info.width || frame.height() != s.info.height || frame.format() != s.info.format ||
        frame.memory() != s.info.memory)
        throw Error(ErrorCode::InvalidArgument,
                    s.label() + ": frame " + std::to_string(frame.width()) + "x" + std::to_string(frame.height()) + " " +
                        std::string(to_string(frame.format())) + " does not match the channel's " +
                        std::to_string(s.info.width) + "x" + std::to_string(s.info.height) + " " +
                        std::string(to_string(s.info.format)));
    ++s.stats.published;
    int slot = s.handed_out;
    s.handed_out = -1;
    for (bool first = true;; first = false) {
        // next_buffer() has just taken the subscriber's messages: a frame read into its slot goes
        // out without another look (a hang-up shows in send()), which is most of publish()'s time.
        if (!first || !s.endpoint->connected() || slot < 0) s.endpoint->pump(0);
        if (!s.endpoint->connected()) {
            if (s.config.drop_when_behind) {
                ++s.stats.dropped_no_subscriber;
                return;
            }
            s.wait_until(&State::has_subscriber, "a subscriber");
        }
        // Read in place into a slot that is still ours? Otherwise copy into a free one.
        const bool in_place = slot >= 0 && !s.slot_held[static_cast<size_t>(slot)] &&
                              frame.data(0) == s.slot_frames[static_cast<size_t>(slot)].data(0);
        if (!in_place) {
            slot = s.free_slot();
            if (slot < 0) {
                if (s.config.drop_when_behind) {
                    ++s.stats.dropped_behind;
                    return;
                }
                s.wait_until(&State::has_free_slot, "a free slot");
                continue;
            }
            if (s.on_device()) s.wait_for_release(slot);
            gpu::copy_frame_now(frame, s.slot_frames[static_cast<size_t>(slot)]);  // the caller may reuse `frame`
            ++s.stats.copies;
        }
        FrameMessage m;
        if (s.on_device()) {
            m.token = ++s.last_token;
            s.slot_token[static_cast<size_t>(slot)] = m.token;
        }
        m.slot = slot;
        m.sequence = s.sequence;
        m.pts = frame.pts;
        if (!s.endpoint->send(&m, sizeof m)) continue;  // not delivered: the next subscriber gets it (or it drops)
        s.slot_held[static_cast<size_t>(slot)] = true;
        ++s.sequence;
        ++s.current().sent;
        return;
    }
}

void FramePublisher::finish() {
    State& s = *state_;
    if (s.finished) return;
    s.finished = true;
    s.endpoint->pump(0);
    EndMessage end;
    end.frames = s.sequence;
    if (s.endpoint->connected()) s.endpoint->send(&end, sizeof end);
}

void FramePublisher::interrupt() { state_->interrupted = true; }

PublisherStats FramePublisher::stats() const {
    PublisherStats st = state_->stats;
    st.subscribers = state_->endpoint->subscribers();
    return st;
}

std::string FramePublisher::summary() const {
    const State& s = *state_;
    const PublisherStats st = stats();
    std::string out = "published " + std::to_string(st.published) + " frames on " + s.label() + ": ";
    if (st.subscribers.empty()) out += "no subscriber came";
    for (size_t i = 0; i < st.subscribers.size(); ++i) {
        const SubscriberStats& sub = st.subscribers[i];
        out += (i ? ", " : "") + std::string("subscriber ") + std::to_string(i + 1) + " took " +
               std::to_string(sub.sent) + (sub.went_away ? " (went away)" : "");
    }
    out += "; dropped " + std::to_string(st.dropped_no_subscriber + st.dropped_behind) + " (no subscriber " +
           std::to_string(st.dropped_no_subscriber) + ", subscriber behind " + std::to_string(st.dropped_behind) +
           "); copies " + std::to_string(st.copies);
    return out;
}

}  // namespace nvcast::ipc
