#include "ipc/frame_channel.h"
#include "ipc/packet_channel.h"

#include "nvcast/error.h"
#include "nvcast/ipc.h"

namespace nvcast::ipc {

SlotLayout slot_layout(PixelFormat format, int width, int height) {
    SlotLayout l;
    uint64_t at = 0;
    for (int p = 0; p < format_info(format).planes; ++p) {
        const uint64_t pitch = (plane_row_bytes(format, width, p) + 63) & ~uint64_t{63};  // rows 64-byte aligned
        l.pitch[p] = static_cast<int32_t>(pitch);
        l.offset[p] = at;
        at += pitch * static_cast<uint64_t>(plane_rows(format, height, p));
    }
    l.bytes = (at + 4095) & ~uint64_t{4095};
    return l;
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
