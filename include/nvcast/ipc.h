// Frames between processes without copies: a publisher process shares a ring of frame buffers
// once (host frames: a memfd; CUDA frames: a virtual-memory allocation exported as a file
// descriptor, with a flag per slot that the subscriber's GPU sets when its reads are done), passed
// over a Unix socket; then per frame only a small message (slot, sequence, pts) travels. The
// subscriber maps the ring once and hands the slots out as frames (always the same addresses, so
// an encoder registers each buffer once), returning each slot (a credit) when the last copy of
// its frame is gone.
//
//   publisher:   FramePublisher pub({"cam0"}, source->info());
//                for (;;) { Frame& f = pub.next_buffer(); if (!source->read(f)) break; pub.publish(f); }
//                pub.finish();
//   subscriber:  auto src = open_source("ipc:cam0");   // a FrameSource like any other
//
// One subscriber at a time. Either side may die (kill -9): the other notices at once, reports it,
// and the publisher waits for a new subscriber while the subscriber waits for a restarted
// publisher (InputOptions::timeout_s). The ring lives in anonymous memory (memfd) or in device
// memory: nothing is left in /dev/shm or the file system whatever happens. Linux only; CUDA
// frames need a CUDA build on both sides and the same GPU visible to both (src/ipc/device_ring.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nvcast/frame.h"
#include "nvcast/packet.h"
#include "nvcast/sink.h"
#include "nvcast/source.h"

namespace nvcast::ipc {

// The bounds of PublisherConfig::slots (a device ring keeps flags for kMaxFrameSlots slots).
constexpr int kMinFrameSlots = 2;
constexpr int kMaxFrameSlots = 64;

struct PublisherConfig {
    std::string name;             // 1..64 of [A-Za-z0-9._-]; the channel subscribers open as "ipc:NAME"
    int slots = 8;                // frame buffers in the ring (kMinFrameSlots..kMaxFrameSlots)
    // false (files, tests): wait for a subscriber and for free slots, so no frame is lost.
    // true (cameras, live streams): never hold the source back; frames nobody can take are dropped
    // and counted.
    bool drop_when_behind = false;
};

struct SubscriberStats {
    int64_t sent = 0;         // frames sent to it
    int64_t returned = 0;     // slots it gave back
    bool went_away = false;   // it disconnected before the end (crash, kill, exit)
};

struct PublisherStats {
    int64_t published = 0;              // frames given to publish()
    int64_t dropped_no_subscriber = 0;  // drop_when_behind: nobody was subscribed
    int64_t dropped_behind = 0;         // drop_when_behind: every slot was still held by the subscriber
    int64_t copies = 0;                 // frames that were not read into next_buffer() and had to be copied
    std::vector<SubscriberStats> subscribers;  // in the order they came
};

class FramePublisher {
public:
    // Creates the ring for frames like `info` describes (any YUV format, in info.memory: CUDA rings
    // on the calling thread's current device) and starts listening. Throws Error(InvalidArgument)
    // for a bad name or slot count, Error(Io) when another process already publishes `name`,
    // Error(Unavailable) for CUDA frames in a build without CUDA.
    FramePublisher(PublisherConfig config, const SourceInfo& info);
    ~FramePublisher();
    FramePublisher(const FramePublisher&) = delete;
    FramePublisher& operator=(const FramePublisher&) = delete;

    // The frame to read the next picture into: a free slot of the ring, so a source that fills the
    // caller's frame writes straight into shared memory. Without drop_when_behind it waits for a
    // subscriber and a free slot; returns a private frame (empty for CUDA channels: the source
    // brings its own), whose publish() drops it, otherwise.
    Frame& next_buffer();
    // Sends `frame` (normally next_buffer()'s, read into; any other frame is copied into a slot).
    // A CUDA frame must be complete, as FrameSource::read() leaves it: the subscriber may read it
    // the moment the message arrives.
    void publish(const Frame& frame);
    // Tells the subscriber the stream ended. Further publish() calls are errors.
    void finish();
    // Makes a waiting next_buffer() return soon (any thread); it then throws Error(InvalidState).
    void interrupt();

    PublisherStats stats() const;
    // One line: frames published, sent per subscriber, dropped with reason, copies.
    std::string summary() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// --- Encoded streams between processes -----------------------------------------------------
// An encode process publishes its packets (the output "ipc:NAME" of encode/stream/pipeline); a
// network process takes them (`nvcast relay ipc:NAME --to … / --whep …`) and sends its receivers'
// keyframe requests and bitrate estimates back to the encoder. One subscriber at a time; a new
// subscriber starts at a keyframe (the publisher asks the encoder for one); either side may restart.

struct PacketPublisherConfig {
    std::string name;
    size_t ring_bytes = size_t{16} << 20;  // shared byte ring; a packet must fit in a quarter of it
    int64_t bitrate = 0;                   // the encoder's target (bits/s, 0 = constant QP), for pacing
    // The first packet waits this long for the first subscriber (start order need not matter);
    // later, while nobody subscribes, packets are dropped and counted (the encoder never stalls).
    double first_subscriber_wait_s = 10;
    // A subscriber that stays connected but stops reading holds the encoder back once the ring is
    // full, for at most this long; then packets are dropped and counted until it has room again,
    // and it resumes at a keyframe (the publisher asks the encoder for one).
    double behind_wait_s = 1;
    std::function<void()> on_keyframe_request;      // a subscriber asked (or just connected)
    std::function<void(int64_t)> on_bitrate_request; // bits/s the subscriber's receivers can take
};

struct PacketPublisherStats {
    int64_t packets = 0;                   // written to the sink
    int64_t dropped_no_subscriber = 0;
    int64_t dropped_until_keyframe = 0;    // a new (or caught-up) subscriber starts at a keyframe
    int64_t dropped_subscriber_behind = 0; // the ring was full for longer than behind_wait_s
    int64_t keyframe_requests = 0, bitrate_requests = 0;
    std::vector<SubscriberStats> subscribers;
};

// A sink that publishes packets on channel `name`. Error(Io) when the name is taken.
std::shared_ptr<PacketSink> open_packet_publisher(PacketPublisherConfig config, const StreamInfo& info);
// The stats of a sink open_packet_publisher() returned (empty stats for any other sink).
PacketPublisherStats packet_publisher_stats(const PacketSink& sink);

class PacketSource {
public:
    virtual ~PacketSource() = default;
    // Codec, size, rate, time base, colour and parameter sets of the stream (after the first
    // publisher's Hello); the encoder's target bitrate in bitrate().
    virtual const StreamInfo& info() const = 0;
    virtual int64_t bitrate() const = 0;
    // The next packet; false at the end of the stream. A publisher that vanished is waited for.
    virtual bool read(Packet& packet) = 0;
    // Ask the encoder for a keyframe / a bitrate (bits/s); any thread.
    virtual void request_keyframe() = 0;
    virtual void request_bitrate(int64_t bits_per_second) = 0;
    virtual void interrupt() = 0;
};

// Subscribes to packet channel `name`, waiting up to timeout_s for its publisher.
std::unique_ptr<PacketSource> open_packet_subscriber(std::string_view name, double timeout_s);

// The subscriber: what open_source("ipc:NAME") returns. It waits up to timeout_s for the publisher
// to appear (and, after losing it, to come back). Throws Error(Unavailable) when none comes.
std::unique_ptr<FrameSource> open_subscriber(std::string_view name, double timeout_s);

// Throws Error(InvalidArgument) unless `name` is a valid channel name.
void check_channel_name(std::string_view name);

}  // namespace nvcast::ipc
