// nvh264: frame-level rate control. CQP; CBR (QP from the bit budget and the
// VBV fullness, frames re-encoded at a higher QP rather than overflowing the
// VBV); VBR (QP from the frame's complexity relative to the running average,
// steered towards the target bitrate and capped by the peak-rate VBV).
#pragma once

#include <cstdint>

#include "nvcast/config.h"

namespace nvcast::nvh264 {

class RateControl {
public:
    void init(const EncoderConfig& cfg, int qp_min, int qp_max);
    void set_bitrate(int64_t bitrate, int64_t max_bitrate);

    // QP for the next frame; complexity is a SATD-like cost estimate of the frame.
    int frame_qp(bool intra, double complexity);
    // Whether a frame of `bits` fits the VBV (always true for CQP).
    bool fits(int64_t bits) const;
    // QP to re-encode a frame with when it overshot its budget badly or overflows the VBV; -1 to keep it.
    int retry_qp(int qp, int64_t bits) const;
    // Records the frame that was finally written.
    void update(bool intra, int qp, double complexity, int64_t bits);

    double buffer_fullness() const { return fullness_; }
    double buffer_size() const { return vbv_size_; }
    RateControlMode mode() const { return mode_; }

private:
    static double qstep(double qp);
    static double qp_of(double qstep);

    RateControlMode mode_ = RateControlMode::CQP;
    int cqp_ = 28;
    int qp_min_ = 0, qp_max_ = 51;
    double fps_ = 30;
    double bitrate_ = 0, max_bitrate_ = 0;
    double vbv_size_ = 0;
    bool vbv_derived_ = true;
    double fullness_ = 0;  // bits in the encoder-side leaky bucket (drains at the peak rate)
    double model_[2] = {0, 0};  // bits * qstep / complexity, per frame class (0: P, 1: I)
    double avg_complexity_ = 0;
    double planned_ = 1;       // bit budget of the frame being encoded
    double debt_ = 0;          // bits spent beyond the target so far (negative: under)
    double total_bits_ = 0;
    int64_t frames_ = 0;
    int last_qp_ = -1;
    int last_p_qp_ = -1;
    double last_p_complexity_ = 0;
};

}  // namespace nvcast::nvh264
