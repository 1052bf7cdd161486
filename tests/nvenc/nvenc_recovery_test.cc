// A device lost mid-stream: the session is reopened (new IDR) or handed to a
// software fallback; no submitted frame is lost: submitted == packets + dropped, dropped == 0.
#include "emu_env.h"

namespace nvcast::test {
namespace {

class NvencRecovery : public EmuTest {};

struct EncodeRun {
    std::vector<Packet> packets;
    nvenc::Stats stats;
    std::string backend;
};

EncodeRun encode(const EncoderConfig& cfg, const std::vector<Frame>& frames) {
    auto opened = open_encoder("nvenc", cfg);
    auto& enc = dynamic_cast<nvenc::NvencEncoder&>(*opened.encoder);
    EncodeRun run;
    for (size_t i = 0; i < frames.size(); ++i) {
        Frame f = frames[i];
        f.pts = static_cast<int64_t>(i);
        enc.send_frame(f, {});
        while (auto p = enc.receive_packet()) run.packets.push_back(std::move(*p));
    }
    enc.flush();
    while (auto p = enc.receive_packet()) run.packets.push_back(std::move(*p));
    run.stats = enc.stats();
    run.backend = enc.backend_name();
    return run;
}

void expect_complete(const EncodeRun& run, const EncoderConfig& cfg, const std::vector<Frame>& frames, const char* name) {
    EXPECT_EQ(run.stats.submitted, static_cast<int64_t>(frames.size()));
    EXPECT_EQ(run.stats.submitted, run.stats.packets + run.stats.dropped);
    EXPECT_EQ(run.stats.dropped, 0);
    EXPECT_EQ(run.packets.size(), frames.size());
    std::vector<bool> seen(frames.size());
    for (const Packet& p : run.packets) {
        ASSERT_GE(p.pts, 0);
        ASSERT_LT(p.pts, static_cast<int64_t>(frames.size()));
        EXPECT_FALSE(seen[static_cast<size_t>(p.pts)]) << "pts " << p.pts << " twice";
        seen[static_cast<size_t>(p.pts)] = true;
    }
    TempDir dir;
    const auto decoded = decode_packets(dir.file(std::string(name) + ".h264"), cfg, run.packets);
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_GT(mean_psnr(frames, decoded), 35.0);
}

TEST_F(NvencRecovery, ReopensWithNewIdrZeroLatency) {
    faults("device_lost_at=12");
    const EncoderConfig cfg = config();
    const auto frames = synthetic_frames(cfg.width, cfg.height, 30);
    const EncodeRun run = encode(cfg, frames);
    EXPECT_EQ(run.stats.recoveries, 1);
    EXPECT_EQ(run.backend, "nvenc");
    expect_complete(run, cfg, frames, "zl");
    EXPECT_TRUE(run.packets[12].keyframe);  // the reopened session starts with an IDR
    EXPECT_EQ(run.packets[12].pts, 12);
}

TEST_F(NvencRecovery, ReopensWithFramesInFlight) {
    faults("device_lost_at=13");
    EncoderConfig cfg = config();
    cfg.b_frames = 2;
    cfg.rc.qp = 20;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 30);
    const EncodeRun run = encode(cfg, frames);
    EXPECT_EQ(run.stats.recoveries, 1);
    expect_complete(run, cfg, frames, "bf");
}

TEST_F(NvencRecovery, OutputDelayFramesSurvive) {
    faults("device_lost_at=9");
    EncoderConfig cfg = config();
    cfg.backend_options["nvenc.output_delay"] = "3";
    const auto frames = synthetic_frames(cfg.width, cfg.height, 20);
    const EncodeRun run = encode(cfg, frames);
    EXPECT_EQ(run.stats.recoveries, 1);
    expect_complete(run, cfg, frames, "od");
}

TEST_F(NvencRecovery, DeviceGoneForGoodHandsOverToSoftware) {
    faults("device_lost_at=10,device_lost_sticky");
    EncoderConfig cfg = config();
    cfg.b_frames = 1;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 25);
    const EncodeRun run = encode(cfg, frames);
    EXPECT_EQ(run.stats.recoveries, 0);
    EXPECT_FALSE(run.stats.fallback.empty());
    EXPECT_NE(run.backend.find("fell back to"), std::string::npos) << run.backend;
    expect_complete(run, cfg, frames, "fb");
}

TEST_F(NvencRecovery, NoFallbackMeansDeviceLostError) {
    faults("device_lost_at=3,device_lost_sticky");
    EncoderConfig cfg = config();
    cfg.backend_options["nvenc.fallback"] = "off";
    const auto frames = synthetic_frames(cfg.width, cfg.height, 6);
    auto opened = open_encoder("nvenc", cfg);
    auto [code, message] = error_of([&] {
        for (const Frame& f : frames) opened.encoder->send_frame(f);
    });
    EXPECT_EQ(code, ErrorCode::DeviceLost);
    EXPECT_NE(message.find("was lost mid-stream"), std::string::npos) << message;
    EXPECT_NE(message.find("reopening failed"), std::string::npos) << message;
}

}  // namespace
}  // namespace nvcast::test
