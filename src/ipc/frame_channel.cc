#include "ipc/frame_channel.h"
#include "ipc/packet_channel.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "gpu/buffer_pool.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"

namespace nvcast::ipc {

SlotLayout slot_layout(PixelFormat format, int width, int height, MemoryType memory) {
    SlotLayout l;
    uint64_t at = 0;
    const std::array<int, Frame::kMaxPlanes> pitches =
        memory == MemoryType::Cuda ? gpu::device_plane_pitches(format, width) : std::array<int, Frame::kMaxPlanes>{};
    for (int p = 0; p < format_info(format).planes; ++p) {
        const uint64_t pitch = memory == MemoryType::Cuda
                                   ? static_cast<uint64_t>(pitches[static_cast<size_t>(p)])
                                   : (plane_row_bytes(format, width, p) + 63) & ~uint64_t{63};
        l.pitch[p] = static_cast<int32_t>(pitch);
        l.offset[p] = at;
        at += pitch * static_cast<uint64_t>(plane_rows(format, height, p));
    }
    l.bytes = (at + 4095) & ~uint64_t{4095};
    return l;
}

HelloMessage hello_for(const SourceInfo& info, int slots, const SlotLayout& layout) {
    HelloMessage h;
    h.width = info.width;
    h.height = info.height;
    h.format = static_cast<int32_t>(info.format);
    h.fps_num = info.fps_num;
    h.fps_den = info.fps_den;
    h.time_base_num = info.time_base_num;
    h.time_base_den = info.time_base_den;
    h.frame_count = info.frame_count;
    h.live = info.live ? 1 : 0;
    h.color = info.color;
    h.slots = slots;
    h.layout = layout;
    h.memory = static_cast<int32_t>(info.memory);
    return h;
}

SourceInfo source_info_from(const HelloMessage& h) {
    SourceInfo info;
    info.width = h.width;
    info.height = h.height;
    info.format = static_cast<PixelFormat>(h.format);
    info.fps_num = h.fps_num;
    info.fps_den = h.fps_den;
    info.time_base_num = h.time_base_num;
    info.time_base_den = h.time_base_den;
    info.frame_count = h.frame_count;
    info.live = h.live != 0;
    info.color = h.color;
    info.memory = h.memory == static_cast<int32_t>(MemoryType::Cuda) ? MemoryType::Cuda : MemoryType::Host;
    info.provides_buffers = true;
    return info;
}

PacketHelloMessage packet_hello_for(const StreamInfo& info, int64_t bitrate, uint64_t ring_bytes) {
    PacketHelloMessage h;
    h.codec = static_cast<int32_t>(info.codec);
    h.width = info.width;
    h.height = info.height;
    h.fps_num = info.fps_num;
    h.fps_den = info.fps_den;
    h.time_base_num = info.time_base_num;
    h.time_base_den = info.time_base_den;
    h.color = info.color;
    h.bitrate = bitrate;
    h.ring_bytes = ring_bytes;
    h.header_bytes = static_cast<uint32_t>(std::min(info.codec_headers.size(), kMaxCodecHeaderBytes));
    std::memcpy(h.headers, info.codec_headers.data(), h.header_bytes);
    return h;
}

StreamInfo stream_info_from(const PacketHelloMessage& h) {
    StreamInfo info;
    info.codec = static_cast<Codec>(h.codec);
    info.width = h.width;
    info.height = h.height;
    info.fps_num = h.fps_num;
    info.fps_den = h.fps_den;
    info.time_base_num = h.time_base_num;
    info.time_base_den = h.time_base_den;
    info.color = h.color;
    info.codec_headers.assign(h.headers, h.headers + std::min<size_t>(h.header_bytes, kMaxCodecHeaderBytes));
    return info;
}

std::string channel_address(std::string_view name) { return "nvcast/frames/" + std::string(name); }

std::string channel_label(std::string_view name) { return "ipc channel '" + std::string(name) + "'"; }

std::string packet_channel_address(std::string_view name) { return "nvcast/packets/" + std::string(name); }

std::string packet_channel_label(std::string_view name) { return "ipc stream '" + std::string(name) + "'"; }

void check_channel_name(std::string_view name) {
    bool ok = !name.empty() && name.size() <= 64;
    for (const char c : name)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-');
    if (!ok)
        throw Error(ErrorCode::InvalidArgument,
                    "ipc: channel name '" + std::string(name) + "' must be 1..64 of A-Z a-z 0-9 . _ -");
}

}  // namespace nvcast::ipc
