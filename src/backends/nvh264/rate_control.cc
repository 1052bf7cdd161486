#include "backends/nvh264/rate_control.h"

#include <algorithm>
#include <cmath>

namespace nvcast::nvh264 {

double RateControl::qstep(double qp) { return 0.625 * std::pow(2.0, qp / 6.0); }
double RateControl::qp_of(double q) { return 6.0 * std::log2(q / 0.625); }

void RateControl::init(const EncoderConfig& cfg, int qp_min, int qp_max) {
    mode_ = cfg.rc.mode == RateControlMode::ConstantQuality ? RateControlMode::CQP : cfg.rc.mode;
    cqp_ = cfg.rc.mode == RateControlMode::ConstantQuality ? cfg.rc.quality : cfg.rc.qp;
    qp_min_ = qp_min;
    qp_max_ = qp_max;
    fps_ = static_cast<double>(cfg.fps_num) / cfg.fps_den;
    vbv_derived_ = cfg.rc.vbv_size == 0;
    vbv_size_ = static_cast<double>(cfg.rc.vbv_size);
    set_bitrate(cfg.rc.bitrate, cfg.rc.max_bitrate);
}

void RateControl::set_bitrate(int64_t bitrate, int64_t max_bitrate) {
    bitrate_ = static_cast<double>(bitrate);
    max_bitrate_ = max_bitrate > 0 ? static_cast<double>(max_bitrate)
                                   : (mode_ == RateControlMode::VBR ? 1.5 * bitrate_ : bitrate_);
    if (mode_ == RateControlMode::CBR) max_bitrate_ = bitrate_;
    if (vbv_derived_) vbv_size_ = mode_ == RateControlMode::CBR ? bitrate_ : 2.0 * max_bitrate_;
    fullness_ = std::min(fullness_, vbv_size_);
}

int RateControl::frame_qp(bool intra, double complexity) {
    if (mode_ == RateControlMode::CQP) return std::clamp(intra ? cqp_ - 3 : cqp_, qp_min_, qp_max_);
    complexity = std::max(complexity, 1.0);
    const double per_frame = bitrate_ / fps_;
    // Pay back (or spend) the accumulated deviation from the target over about half a second.
    const double horizon = std::max(4.0, fps_);
    // Budget in proportion to complexity^0.6 (a steady QP is worth more than an exact per-frame size),
    // corrected by the accumulated deviation: within about a second for CBR, slower for VBR.
    const double avg = avg_complexity_ > 0 ? avg_complexity_ : complexity;
    const double weight = intra ? 1.0 : std::pow(complexity / avg, 0.3);
    double target = per_frame * weight - debt_ / (mode_ == RateControlMode::CBR ? horizon : 2 * horizon);
    if (intra) target = std::max(target, std::min(per_frame * 8, vbv_size_ * 0.4));
    // Never plan past what the bucket can take.
    const double room = std::max(per_frame * 0.1, (vbv_size_ - fullness_) * 0.8);
    target = std::clamp(target, per_frame * 0.2, room);
    const double model = model_[intra ? 1 : 0] > 0 ? model_[intra ? 1 : 0] : (intra ? 1.5 : 0.35);
    planned_ = target;
    int qp = static_cast<int>(std::lround(qp_of(model * complexity / target)));
    // Smooth P-frame QP (quality flicker costs more than a little rate error); the VBV check still applies.
    const double ratio = complexity / std::max(last_p_complexity_, 1.0);
    if (last_p_qp_ >= 0 && !intra && ratio < 1.5 && ratio > 0.67) qp = std::clamp(qp, last_p_qp_ - 1, last_p_qp_ + 1);
    else if (last_p_qp_ >= 0 && !intra && ratio < 2 && ratio > 0.5) qp = std::clamp(qp, last_p_qp_ - 3, last_p_qp_ + 3);
    else if (last_qp_ >= 0 && !intra) qp = std::clamp(qp, last_qp_, last_qp_ + 6);
    return std::clamp(qp, qp_min_, qp_max_);
}

int RateControl::retry_qp(int qp, int64_t bits) const {
    if (mode_ == RateControlMode::CQP || qp >= qp_max_) return -1;
    const double b = static_cast<double>(bits);
    if (fits(bits) && b <= 2.5 * planned_) return -1;
    // Overshoot (or VBV overflow): raise QP by the log-ratio (6 QP per halving), at least 2.
    const int step = std::max(2, static_cast<int>(std::lround(6.0 * std::log2(std::max(1.0, b / planned_)) * 0.8)));
    return std::min(qp_max_, qp + step);
}

bool RateControl::fits(int64_t bits) const {
    if (mode_ == RateControlMode::CQP) return true;
    return fullness_ + static_cast<double>(bits) <= vbv_size_;
}

void RateControl::update(bool intra, int qp, double complexity, int64_t bits) {
    last_qp_ = qp;
    if (!intra) {
        last_p_qp_ = qp;
        last_p_complexity_ = std::max(complexity, 1.0);
    }
    ++frames_;
    total_bits_ += static_cast<double>(bits);
    if (mode_ == RateControlMode::CQP) return;
    const double observed = static_cast<double>(bits) * qstep(qp) / std::max(complexity, 1.0);
    double& m = model_[intra ? 1 : 0];
    const bool off = m <= 0 || observed > 2 * m || observed < 0.5 * m;  // content changed: trust the new frame
    m = off ? observed : 0.7 * m + 0.3 * observed;
    if (!intra) avg_complexity_ = avg_complexity_ > 0 ? 0.9 * avg_complexity_ + 0.1 * complexity : complexity;
    fullness_ = std::max(0.0, fullness_ + static_cast<double>(bits) - max_bitrate_ / fps_);
    debt_ += static_cast<double>(bits) - bitrate_ / fps_;
}

}  // namespace nvcast::nvh264
