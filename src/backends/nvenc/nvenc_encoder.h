// The nvenc backend's Encoder: an NVENC session in synchronous mode with a ring of
// input/output buffers, host or CUDA device input, live bitrate changes, and
// recovery from a lost device (reopen with a new IDR, or hand over to a software
// fallback) without losing submitted frames.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "backends/nvenc/caps.h"
#include "backends/nvenc/encode_config.h"
#include "backends/nvenc/input.h"
#include "backends/nvenc/session_handle.h"
#include "nvcast/encoder.h"

namespace nvcast::nvenc {

struct Options {
    int device = -1;        // CUDA ordinal; -1 = auto (first GPU whose NVENC encodes the codec)
    int output_delay = 0;   // finished packets held back before locking
    bool allow_fallback = true;  // on a lost device that cannot be reopened, continue on a software backend
    // EncoderConfig::gpu and the backend options nvenc.output_delay, nvenc.fallback.
    static Options from_config(const EncoderConfig& config);
};

// Frame accounting: submitted == packets + dropped once flushed and drained.
struct Stats {
    int64_t submitted = 0;    // frames accepted by send_frame
    int64_t packets = 0;      // packets handed out by receive_packet
    int64_t dropped = 0;      // frames lost (could not be resubmitted after a device loss)
    int64_t recoveries = 0;   // sessions reopened after a device loss
    int64_t registrations = 0;  // CUDA surfaces registered (resource cache misses)
    std::string fallback;     // software backend that took over, if any
};

class NvencEncoder final : public Encoder {
public:
    NvencEncoder(const EncoderConfig& config, const Options& options);
    ~NvencEncoder() override;

    std::string backend_name() const override;
    Capabilities capabilities() const override { return caps_.caps; }
    void send_frame(const Frame& frame, const FrameOptions& options) override;
    SendResult try_send_frame(const Frame& frame, const FrameOptions& options) override;
    std::optional<Packet> receive_packet() override;
    void flush() override;
    void set_bitrate(int64_t bitrate, int64_t max_bitrate) override;
    std::vector<uint8_t> codec_headers() override;

    void invalidate_reference(int64_t pts) override;
    const Stats& stats() const { return stats_; }
    // CUDA surfaces registered so far (resource cache misses), this session and earlier ones.
    int64_t registrations() const {
        return stats_.registrations + (cache_ ? static_cast<int64_t>(cache_->registrations()) : 0);
    }
    const std::string& gpu_name() const { return gpu_name_; }
    ApiVersion api() const { return api_; }

private:
    struct Slot {
        NV_ENC_INPUT_PTR input = nullptr;
        NV_ENC_OUTPUT_PTR output = nullptr;
        NV_ENC_INPUT_PTR mapped = nullptr;
        bool busy = false;
    };
    // A frame submitted whose packet has not come out yet. NVENC fills output buffers in
    // coding order, so frames are matched to packets by timestamp, not by buffer.
    struct InFlight {
        int64_t pts = 0;
        Frame frame;           // copy (host) or reference (device) to resubmit after a device loss
        bool has_frame = false;
        FrameOptions options;
    };

    void open_session(int device);
    void destroy_session() noexcept;
    void submit(const Frame& frame, const FrameOptions& options);
    void collect(size_t keep);
    void recover(const Frame* current, const FrameOptions& options, const Error& cause);
    void start_fallback(std::vector<std::pair<Frame, FrameOptions>>& frames);
    void drain_fallback();
    Frame to_host(const Frame& frame) const;

    Options options_;
    std::shared_ptr<DeviceContext> device_;
    std::unique_ptr<SessionHandle> session_;
    std::unique_ptr<ResourceCache> cache_;
    SessionParams params_;
    NvencCaps caps_;
    ApiVersion api_;
    std::string gpu_name_;
    std::vector<Slot> slots_;
    std::deque<size_t> pending_;      // slots submitted, in submission order
    std::deque<InFlight> in_flight_;  // frames without a packet yet, in submission order
    std::vector<Frame> spare_copies_; // recycled host copies
    std::deque<int64_t> input_pts_;   // pts in submission order (for dts)
    std::deque<Packet> packets_;
    size_t output_delay_ = 0;
    int dts_shift_ = 0;
    uint32_t frame_idx_ = 0;
    bool keep_copies_ = false;
    bool flushed_ = false;
    bool next_idr_ = false;
    bool draining_ = false;  // after EOS every output is ready: lock blocking
    std::unique_ptr<Encoder> fallback_;
    Stats stats_;
};

}  // namespace nvcast::nvenc
