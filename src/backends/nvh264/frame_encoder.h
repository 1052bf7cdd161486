// nvh264: one frame at a time. The controller decides frame type, QP (rate control),
// slices, intra refresh and headers; a PictureEngine (CPU reference or CUDA) runs
//   load -> analysis (motion search / intra cost) -> decide/transform/reconstruct (wavefront)
//   -> entropy (one chunk per MB, concatenated per slice) -> deblock -> half-sample planes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/nvh264/engine.h"
#include "backends/nvh264/headers.h"
#include "backends/nvh264/rate_control.h"
#include "nvcast/config.h"
#include "nvcast/packet.h"

namespace nvcast::nvh264 {

// Which engine runs the stages. Auto: CUDA when a device is usable, else the CPU reference.
enum class EngineChoice { Auto, Cpu, Cuda };

// Knobs beyond EncoderConfig, for tests and benchmarks (internal API).
struct Options {
    int qp_min = 0;
    int qp_max = 51;
    int deblock = -1;       // -1: on; 0: off; 1: on
    int intra4x4 = -1;      // -1: from preset
    int partitions = -1;    // -1: from preset
    int search_range = 0;   // 0: from preset
    EngineChoice engine = EngineChoice::Auto;
    bool stage_timing = false;  // CUDA engine: time each stage with events (adds a sync per frame)
};

struct EncodedFrame {
    std::vector<uint8_t> data;  // Annex-B access unit
    FrameType type = FrameType::P;
    int qp = 0;
    double complexity = 0;
};

class FrameEncoder {
public:
    FrameEncoder(const EncoderConfig& config, const Options& options);

    EncodedFrame encode(const Frame& frame, bool force_idr, bool force_intra);
    std::vector<uint8_t> headers() const;  // SPS + PPS, Annex-B
    void set_bitrate(int64_t bitrate, int64_t max_bitrate) { rc_.set_bitrate(bitrate, max_bitrate); }
    const RateControl& rate_control() const { return rc_; }

    // The reconstruction of the last frame (after deblocking), cropped to the display size, I420.
    Frame reconstruction() const { return engine_->reconstruction(cfg_.width, cfg_.height); }
    FrameSnapshot snapshot() const { return engine_->snapshot(); }
    const EncodeTools& tools() const { return tools_; }
    // Where the stages run, e.g. "CUDA on NVIDIA H200" or "CPU reference (no CUDA device)".
    const std::string& engine_description() const { return engine_description_; }
    bool on_gpu() const { return engine_->on_gpu(); }
    std::vector<std::pair<std::string, double>> stage_times() const { return engine_->stage_times(); }

private:
    FrameContext frame_setup(bool intra) const;
    std::vector<BitWriter> slice_headers(const FrameContext& f, bool idr) const;

    EncoderConfig cfg_;
    Options opt_;
    EncodeTools tools_;
    SequenceParams seq_;
    RateControl rc_;
    std::unique_ptr<PictureEngine> engine_;
    std::string engine_description_;
    int refresh_period_ = 0;
    bool have_ref_ = false;
    int64_t frame_index_ = 0;
    int64_t frames_since_idr_ = 0;
    int frame_num_ = 0;
    int idr_count_ = 0;
    int last_qp_ = 26;
};

}  // namespace nvcast::nvh264
