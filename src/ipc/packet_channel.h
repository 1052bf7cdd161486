// The packet channel's wire format: an encode process publishes its encoded stream through a
// byte ring in shared memory; the network process (`nvcast relay`) takes it and sends requests
// back (keyframe, bitrate) the way RTCP and WebRTC receivers ask for them.
//
//   publisher -> subscriber: PacketHello (+ the ring's memfd), Packet per access unit, End.
//   subscriber -> publisher: PacketRelease (bytes done), KeyframeRequest, BitrateRequest.
// Ring positions are byte counts since the connection began; a packet never wraps: one that
// would is placed at the ring's start and the gap counts as used.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ipc/frame_channel.h"
#include "nvcast/sink.h"

namespace nvcast::ipc {

constexpr uint32_t kPacketChannelVersion = 1;
constexpr size_t kMaxCodecHeaderBytes = 1024;

struct PacketHelloMessage {
    MessageType type = MessageType::PacketHello;
    uint32_t magic = kChannelMagic;
    uint32_t version = kPacketChannelVersion;
    int32_t codec = 0;  // Codec
    int32_t width = 0, height = 0, fps_num = 0, fps_den = 0, time_base_num = 0, time_base_den = 0;
    ColorDescription color;
    int64_t bitrate = 0;  // the encoder's target, bits/s (0 = constant QP), for pacing
    uint64_t ring_bytes = 0;
    uint32_t header_bytes = 0;
    uint8_t headers[kMaxCodecHeaderBytes] = {};
};
static_assert(sizeof(PacketHelloMessage) <= kMaxMessageBytes);

struct PacketMessage {
    MessageType type = MessageType::Packet;
    uint32_t size = 0;
    uint64_t position = 0;  // where it starts (position % ring_bytes in the ring)
    int64_t pts = 0, dts = 0;
    int32_t frame_type = 0;  // FrameType
    uint8_t keyframe = 0;
};

struct PacketReleaseMessage {
    MessageType type = MessageType::PacketRelease;
    uint64_t done = 0;  // every byte before this position is free again
};

struct KeyframeRequestMessage {
    MessageType type = MessageType::KeyframeRequest;
};

struct BitrateRequestMessage {
    MessageType type = MessageType::BitrateRequest;
    int64_t bits_per_second = 0;
};

// The PacketHello describing a stream like `info`, and back (codec headers beyond the message's
// room are the caller's to refuse first).
PacketHelloMessage packet_hello_for(const StreamInfo& info, int64_t bitrate, uint64_t ring_bytes);
StreamInfo stream_info_from(const PacketHelloMessage& hello);

std::string packet_channel_address(std::string_view name);
std::string packet_channel_label(std::string_view name);

}  // namespace nvcast::ipc
