// nvh264: one frame through the stage pipeline
//   load -> motion search (all MBs) -> decide/transform/reconstruct (wavefront)
//   -> entropy (one chunk per MB, concatenated per slice) -> deblock -> half-sample planes.
#pragma once

#include <cstdint>
#include <vector>

#include "backends/nvh264/frame_context.h"
#include "backends/nvh264/headers.h"
#include "backends/nvh264/rate_control.h"
#include "nvcast/config.h"
#include "nvcast/packet.h"

namespace nvcast::nvh264 {

// Knobs beyond EncoderConfig, for tests and benchmarks (internal API).
struct Options {
    int qp_min = 0;
    int qp_max = 51;
    int deblock = -1;       // -1: on; 0: off; 1: on
    int intra4x4 = -1;      // -1: from preset
    int partitions = -1;    // -1: from preset
    int search_range = 0;   // 0: from preset
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
    Frame reconstruction() const;
    const EncodeTools& tools() const { return tools_; }

private:
    void load(const Frame& frame);
    std::vector<uint8_t> encode_picture(FrameContext& f, bool idr);
    double intra_complexity() const;

    EncoderConfig cfg_;
    Options opt_;
    EncodeTools tools_;
    SequenceParams seq_;
    RateControl rc_;
    int refresh_period_ = 0;
    Picture src_;
    Picture rec_;
    RefPicture ref_;
    bool have_ref_ = false;
    std::vector<MotionResult> prev_motion_;
    int64_t frame_index_ = 0;
    int64_t frames_since_idr_ = 0;
    int frame_num_ = 0;
    int idr_count_ = 0;
    int last_qp_ = 26;
};

}  // namespace nvcast::nvh264
