// The frame channel's wire format (both ends are the same build on the same machine, so plain
// structs; the version field still refuses a mismatched peer) and the ring's layout.
//
//   publisher -> subscriber: Hello (+ the ring's descriptors: a memfd for host frames; an exported
//                            CUDA allocation and its flags' memfd for device frames) on connect,
//                            then Frame per picture, End.
//   subscriber -> publisher: Release when the last copy of a slot's frame is gone.
//   A second subscriber gets Busy and is closed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "nvcast/frame.h"
#include "nvcast/ipc.h"
#include "nvcast/source.h"

namespace nvcast::ipc {

constexpr uint32_t kChannelMagic = 0x6e764652;  // "nvFR"
constexpr uint32_t kChannelVersion = 3;

enum class MessageType : uint32_t {
    Hello = 1, Frame = 2, Release = 3, End = 4, Busy = 5,  // frame channels (and End, Busy for both)
    PacketHello = 10, Packet = 11, PacketRelease = 12, KeyframeRequest = 13, BitrateRequest = 14,  // packet channels
};

// Where a frame of the ring's format lies inside one slot.
struct SlotLayout {
    int32_t pitch[Frame::kMaxPlanes] = {};
    uint64_t offset[Frame::kMaxPlanes] = {};
    uint64_t bytes = 0;  // one slot, rounded up to 4 KiB
};

// A ring in CUDA device memory: which GPU holds it and the exported allocation's size (its
// per-slot flags come as a second descriptor: DeviceRing).
struct DeviceRingWire {
    uint8_t device_uuid[16] = {};
    uint64_t allocation_bytes = 0;
};

struct HelloMessage {
    MessageType type = MessageType::Hello;
    uint32_t magic = kChannelMagic;
    uint32_t version = kChannelVersion;
    int32_t width = 0, height = 0;
    int32_t format = 0;  // PixelFormat
    int32_t fps_num = 0, fps_den = 0;
    int32_t time_base_num = 0, time_base_den = 0;
    int64_t frame_count = -1;
    uint8_t live = 0;
    ColorDescription color;
    int32_t slots = 0;
    SlotLayout layout;
    int32_t memory = 0;     // MemoryType of the ring
    DeviceRingWire device;  // memory == Cuda
};

struct FrameMessage {
    MessageType type = MessageType::Frame;
    int32_t slot = 0;
    uint64_t sequence = 0;  // frames the publisher has sent to this subscriber before this one
    int64_t pts = 0;
    uint64_t token = 0;     // device rings: the value the slot's `released` flag takes after this frame
};

struct ReleaseMessage {
    MessageType type = MessageType::Release;
    int32_t slot = 0;
};

struct EndMessage {
    MessageType type = MessageType::End;
    uint64_t frames = 0;  // frames sent to this subscriber in all
};

struct BusyMessage {
    MessageType type = MessageType::Busy;
};

// The largest message of either kind of channel, for receive buffers.
constexpr size_t kMaxMessageBytes = 2048;
static_assert(sizeof(HelloMessage) <= kMaxMessageBytes);

// Rows 64-byte aligned in host memory; in device memory 256-byte aligned (512 for three-plane 4:2:0
// luma, chroma half of it), the layout NVENC and the CUDA kernels want.
SlotLayout slot_layout(PixelFormat format, int width, int height, MemoryType memory);
// The Hello describing frames like `info` in a ring of `slots`, and back (frames in the ring's
// memory that the subscriber does not allocate: provides_buffers).
HelloMessage hello_for(const SourceInfo& info, int slots, const SlotLayout& layout);
SourceInfo source_info_from(const HelloMessage& hello);
// The abstract socket address of channel `name`.
std::string channel_address(std::string_view name);
// "ipc channel 'NAME'", for messages.
std::string channel_label(std::string_view name);

}  // namespace nvcast::ipc
