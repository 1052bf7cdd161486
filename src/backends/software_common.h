// Pieces every software backend shares (internal): input checks, conversion of
// the caller's frame into the planar layout a library wants, and x264-style
// preset names for nvcast's P1..P7 scale.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "nvcast/encoder.h"
#include "nvcast/error.h"

namespace nvcast::sw {

// Throws a specific Error when the frame doesn't fit the session (size, memory, format).
void check_input_frame(const EncoderConfig& config, const Frame& frame, std::string_view backend);

// The planar format a library encodes from: I420/I444 at 8 bits, I420_10/I444_10 at 10.
PixelFormat planar_format_for(const EncoderConfig& config);

// Returns `in` itself when it already is `target` on the host; otherwise converts into
// `scratch` (NV12/P010 deinterleave, 8<->10-bit shifts) and returns that. Chroma
// subsampling must already match (resampling is frame preparation's job).
const Frame& to_planar(const Frame& in, PixelFormat target, Frame& scratch);

// "ultrafast" .. "slow" for P1 .. P7 (x264/x265 preset names).
const char* x26x_preset_name(int preset);

// Throws Unsupported with "<backend> cannot <what>" and a hint.
[[noreturn]] void unsupported(std::string_view backend, const std::string& what, const std::string& hint = "");

// Packets finished by the library, waiting for receive_packet().
class PacketQueue {
public:
    void push(Packet packet) { packets_.push_back(std::move(packet)); }
    std::optional<Packet> pop() {
        if (packets_.empty()) return std::nullopt;
        Packet p = std::move(packets_.front());
        packets_.pop_front();
        return p;
    }
    bool empty() const { return packets_.empty(); }

private:
    std::deque<Packet> packets_;
};

// Default VBV buffer in bits: one second at the peak rate.
int64_t vbv_bits(const RateControl& rc);
// Peak bitrate for VBR when the config leaves it 0: 1.5x the target.
int64_t peak_bitrate(const RateControl& rc);

}  // namespace nvcast::sw
