// nvh264: the Encoder behind backend "nvh264". Tests include this header to
// reach the reconstruction (the public API does not expose it).
#pragma once

#include <deque>
#include <memory>

#include "backends/nvh264/frame_encoder.h"
#include "nvcast/encoder.h"

namespace nvcast::nvh264 {

// Throws Error naming the problem when nvh264 cannot encode this configuration.
void check_config(const EncoderConfig& config, const Options& options);

class NvH264Encoder final : public Encoder {
public:
    explicit NvH264Encoder(const EncoderConfig& config, const Options& options = {});

    std::string backend_name() const override { return "nvh264"; }
    Capabilities capabilities() const override;
    std::string engine() const override { return frames_.engine_description(); }
    void send_frame(const Frame& frame, const FrameOptions& options = {}) override;
    std::optional<Packet> receive_packet() override;
    void flush() override { flushed_ = true; }
    void set_bitrate(int64_t bitrate, int64_t max_bitrate = 0) override;
    std::vector<uint8_t> codec_headers() override { return frames_.headers(); }

    // Reconstruction of the most recently encoded frame (what a decoder outputs), I420 host frame.
    Frame last_reconstruction() const { return frames_.reconstruction(); }
    const FrameEncoder& frame_encoder() const { return frames_; }
    FrameSnapshot snapshot() const { return frames_.snapshot(); }
    std::vector<std::pair<std::string, double>> stage_times() const { return frames_.stage_times(); }

private:
    FrameEncoder frames_;
    std::deque<Packet> packets_;
    bool flushed_ = false;
};

// What nvh264 can do here; device_frames when the CUDA engine is usable.
Capabilities nvh264_capabilities(bool on_gpu);

}  // namespace nvcast::nvh264
