// nvh264 rate control: CBR within +-5% of the target with the VBV never
// overflowing, VBR near its target, live bitrate changes without keyframes, CQP.
#include <gtest/gtest.h>

#include <string>

#include "nvh264_test_util.h"

namespace nvcast::test {
namespace {

struct RcRun {
    std::vector<Packet> packets;
};

RcRun encode_rc(const EncoderConfig& cfg, const std::vector<Frame>& frames, int change_at = -1,
                int64_t new_bitrate = 0) {
    nvh264::NvH264Encoder enc(cfg);
    RcRun r;
    for (size_t i = 0; i < frames.size(); ++i) {
        if (static_cast<int>(i) == change_at) enc.set_bitrate(new_bitrate);
        enc.send_frame(frames[i]);
        auto p = enc.receive_packet();
        EXPECT_TRUE(p.has_value());
        if (p) r.packets.push_back(std::move(*p));
    }
    return r;
}

double kbps(const std::vector<Packet>& p, size_t from, size_t to, double fps) {
    double bits = 0;
    for (size_t i = from; i < to; ++i) bits += static_cast<double>(p[i].size()) * 8;
    return bits / (static_cast<double>(to - from) / fps) / 1000;
}

// Leaky bucket of `size` bits drained at `rate` bits/s: the largest fill level reached (after adding a frame).
double max_bucket(const std::vector<Packet>& p, size_t from, double rate, double size_bits, double fps,
                  bool& overflow) {
    double level = 0, peak = 0;
    overflow = false;
    for (size_t i = from; i < p.size(); ++i) {
        level += static_cast<double>(p[i].size()) * 8;
        peak = std::max(peak, level);
        if (level > size_bits + 1e-6) overflow = true;
        level = std::max(0.0, level - rate / fps);
    }
    return peak;
}

EncoderConfig rc_config(RateControlMode mode, int64_t bitrate) {
    EncoderConfig c = nvh264_config(176, 144, 28);
    c.rc.mode = mode;
    c.rc.bitrate = bitrate;
    c.gop_length = kInfiniteGop;
    return c;
}

TEST(nvh264RateControl, CbrHitsTargetWithinFivePercentAndNeverOverflowsVbv) {
    set_log_level(LogLevel::Debug);  // per-frame sizes, QP and VBV fullness in the debug log
    const std::vector<Frame> src = synthetic_frames(176, 144, 90, PixelFormat::I420, 11);
    for (int64_t target : {150'000, 400'000}) {
        const EncoderConfig cfg = rc_config(RateControlMode::CBR, target);
        const RcRun r = encode_rc(cfg, src);
        ASSERT_EQ(r.packets.size(), src.size());
        const double avg = kbps(r.packets, 0, r.packets.size(), 30) * 1000;
        EXPECT_NEAR(avg, static_cast<double>(target), 0.05 * static_cast<double>(target)) << "target " << target;
        bool overflow = false;
        const double peak = max_bucket(r.packets, 0, static_cast<double>(target), static_cast<double>(target), 30, overflow);
        EXPECT_FALSE(overflow) << "VBV peak " << peak << " of " << target;
        TempDir dir;
        std::vector<uint8_t> stream;
        for (const Packet& p : r.packets) stream.insert(stream.end(), p.data.begin(), p.data.end());
        EXPECT_EQ(decode_stream(dir, stream).size(), src.size());
    }
    set_log_level(LogLevel::Info);
}

TEST(nvh264RateControl, CbrRespectsAnExplicitSmallVbv) {
    EncoderConfig cfg = rc_config(RateControlMode::CBR, 300'000);
    cfg.rc.vbv_size = 100'000;  // a third of a second: the I frame must be squeezed
    const std::vector<Frame> src = synthetic_frames(176, 144, 45, PixelFormat::I420, 12);
    const RcRun r = encode_rc(cfg, src);
    bool overflow = false;
    max_bucket(r.packets, 0, 300'000, 100'000, 30, overflow);
    EXPECT_FALSE(overflow);
}

TEST(nvh264RateControl, SetBitrateChangesRateWithoutKeyframe) {
    const std::vector<Frame> src = synthetic_frames(176, 144, 120, PixelFormat::I420, 13);
    const EncoderConfig cfg = rc_config(RateControlMode::CBR, 500'000);
    const RcRun r = encode_rc(cfg, src, 60, 200'000);
    ASSERT_EQ(r.packets.size(), src.size());
    for (size_t i = 1; i < r.packets.size(); ++i) EXPECT_FALSE(r.packets[i].keyframe) << "frame " << i;
    const double before = kbps(r.packets, 0, 60, 30), after = kbps(r.packets, 75, 120, 30);
    EXPECT_NEAR(before, 500, 50);
    EXPECT_NEAR(after, 200, 20);
}

TEST(nvh264RateControl, VbrNearTargetAndQpFollowsComplexity) {
    set_log_level(LogLevel::Debug);
    // First half flat (cheap), second half detailed: VBR spends more bits where the content is harder.
    std::vector<Frame> src = flat_frames(176, 144, 45);
    for (Frame& f : synthetic_frames(176, 144, 45, PixelFormat::I420, 14)) src.push_back(std::move(f));
    EncoderConfig cfg = rc_config(RateControlMode::VBR, 300'000);
    cfg.rc.max_bitrate = 600'000;
    const RcRun r = encode_rc(cfg, src);
    ASSERT_EQ(r.packets.size(), src.size());
    const double avg = kbps(r.packets, 0, src.size(), 30);
    EXPECT_NEAR(avg, 300, 75);  // +-25%: half the clip is nearly free; VBR does not burn those bits at once
    EXPECT_LT(kbps(r.packets, 5, 45, 30), kbps(r.packets, 50, 90, 30));
    bool overflow = false;
    max_bucket(r.packets, 0, 600'000, 1'200'000, 30, overflow);
    EXPECT_FALSE(overflow);
    set_log_level(LogLevel::Info);
}

TEST(nvh264RateControl, VbrOnSteadyContentIsWithinTenPercent) {
    const std::vector<Frame> src = synthetic_frames(176, 144, 90, PixelFormat::I420, 17);
    EncoderConfig cfg = rc_config(RateControlMode::VBR, 250'000);
    const RcRun r = encode_rc(cfg, src);
    ASSERT_EQ(r.packets.size(), src.size());
    EXPECT_NEAR(kbps(r.packets, 0, src.size(), 30), 250, 25);
    bool overflow = false;
    max_bucket(r.packets, 0, 375'000, 750'000, 30, overflow);  // default peak 1.5x, VBV two seconds of peak
    EXPECT_FALSE(overflow);
}

TEST(nvh264RateControl, CqpUsesQpForPAndQpMinus3ForI) {
    const std::vector<Frame> src = synthetic_frames(64, 48, 4, PixelFormat::I420, 15);
    const nvh264Run r = nvh264_encode(nvh264_config(64, 48, 33), src);
    EXPECT_EQ(r.packets[0].qp, 30);
    for (size_t i = 1; i < r.packets.size(); ++i) EXPECT_EQ(r.packets[i].qp, 33);
}

TEST(nvh264RateControl, QpRangeIsHonoured) {
    EncoderConfig cfg = rc_config(RateControlMode::CBR, 20'000);  // far too little: QP wants to go to 51
    nvh264::Options opt;
    opt.qp_max = 40;
    opt.qp_min = 20;
    nvh264::NvH264Encoder enc(cfg, opt);
    for (const Frame& f : synthetic_frames(176, 144, 10, PixelFormat::I420, 16)) {
        enc.send_frame(f);
        const auto p = enc.receive_packet();
        ASSERT_TRUE(p.has_value());
        EXPECT_GE(p->qp, 20);
        EXPECT_LE(p->qp, 40);
    }
}

}  // namespace
}  // namespace nvcast::test
