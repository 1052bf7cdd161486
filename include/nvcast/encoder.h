// The encoder session: send frames, receive packets, flush. Like FFmpeg's
// send/receive model because real encoders (NVENC included) have output delay.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nvcast/config.h"
#include "nvcast/frame.h"
#include "nvcast/packet.h"

namespace nvcast {

struct FrameOptions {
    bool force_idr = false;    // this frame becomes an IDR/keyframe with parameter sets
    bool force_intra = false;  // this frame is intra-coded (not necessarily IDR)
};

// What try_send_frame did with a frame.
enum class SendResult {
    Accepted,  // the frame is queued; the caller may reuse or release it
    TryAgain,  // not taken: the encoder's input is full until packets are read (receive_packet); send it again
};

// What a backend can do, for a given codec on this machine/device.
struct Capabilities {
    int max_width = 0;
    int max_height = 0;
    int min_width = 1;
    int min_height = 1;
    bool bit_depth_10 = false;
    bool yuv444 = false;
    bool b_frames = false;
    bool lossless = false;
    bool intra_refresh = false;
    bool cbr = false;
    bool vbr = false;
    bool constant_quality = false;
    bool dynamic_bitrate = false;           // bitrate changeable mid-stream
    bool dynamic_bitrate_no_keyframe = false;  // ... without forcing a keyframe
    bool reference_invalidation = false;
    bool zero_latency = false;              // can run with no output delay
    bool device_frames = false;             // accepts MemoryType::Cuda frames directly
    int max_slices = 1;
};

class Encoder {
public:
    virtual ~Encoder() = default;
    Encoder(const Encoder&) = delete;
    Encoder& operator=(const Encoder&) = delete;

    virtual std::string backend_name() const = 0;
    const EncoderConfig& config() const noexcept { return config_; }
    virtual Capabilities capabilities() const = 0;
    // Where this session encodes when the backend has a choice (nvh264: "CUDA on NVIDIA H200" or
    // "CPU reference (...)"); empty otherwise.
    virtual std::string engine() const { return {}; }

    // Queues a frame. Its size and format must match the config; throws Error otherwise.
    virtual void send_frame(const Frame& frame, const FrameOptions& options = {}) = 0;
    // Like send_frame, but an encoder whose input surfaces are all busy answers TryAgain instead of
    // throwing (FFmpeg's EAGAIN): read packets, then send the frame again. Encoders that copy every
    // input at once always accept.
    virtual SendResult try_send_frame(const Frame& frame, const FrameOptions& options = {}) {
        send_frame(frame, options);
        return SendResult::Accepted;
    }
    // Next finished packet, or nullopt when the encoder needs more input (or is drained).
    virtual std::optional<Packet> receive_packet() = 0;
    // Signals end of stream; afterwards receive_packet() returns the delayed packets.
    virtual void flush() = 0;
    // Changes the target (and peak) bitrate for the following frames.
    virtual void set_bitrate(int64_t bitrate, int64_t max_bitrate = 0) = 0;
    // Marks the frame with this pts as lost at the receiver (e.g. after an RTCP NACK nobody could
    // repair): later frames do not reference it, so the stream heals without a keyframe.
    // Throws Error(Unsupported) where capabilities().reference_invalidation is false.
    virtual void invalidate_reference(int64_t pts);
    // Out-of-band codec headers (SPS/PPS[/VPS] Annex-B, or AV1 sequence header OBU), for containers.
    virtual std::vector<uint8_t> codec_headers() = 0;

protected:
    explicit Encoder(EncoderConfig config) : config_(std::move(config)) {}
    EncoderConfig config_;
};

}  // namespace nvcast
