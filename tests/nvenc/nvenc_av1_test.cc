// AV1 through an NVENC API 12.0 session, on the emulator (SVT-AV1 behind it): every
// output decoded by libavcodec, the struct revisions of 12.0 checked by the emulator.
#include <functional>
#include <set>

#include "emu_env.h"

namespace nvcast::test {
namespace {

class NvencAv1 : public EmuTest {
protected:
    // High-quality tuning: the emulator runs SVT-AV1 in random access, where it can force key frames.
    static EncoderConfig av1(int qp = 32) {
        EncoderConfig c = config(Codec::AV1);
        c.tuning = Tuning::HighQuality;
        c.rc.qp = qp;
        return c;
    }
};

TEST_F(NvencAv1, HostNv12DecodesWithQuality) {
    TempDir dir;
    EncoderConfig cfg = av1();
    cfg.input_format = PixelFormat::NV12;
    const auto nv12 = synthetic_frames(cfg.width, cfg.height, 30, PixelFormat::NV12);
    const auto reference = synthetic_frames(cfg.width, cfg.height, 30, PixelFormat::I420);
    auto opened = open_encoder("nvenc", cfg);
    EXPECT_EQ(as_nvenc(*opened.encoder).api().text(), "12.0");
    const auto packets = encode_all("nvenc", cfg, nv12);
    ASSERT_EQ(packets.size(), nv12.size());
    EXPECT_TRUE(packets.front().keyframe);
    EXPECT_TRUE(is_keyframe_access_unit(Codec::AV1, packets.front().data));
    for (const Packet& p : packets) {
        EXPECT_GE(p.qp, 0);
        EXPECT_LE(p.qp, 63);  // reported on nvcast's AV1 scale, not NVENC's qindex
        EXPECT_EQ(p.dts, p.pts);  // temporal units come in display order
    }
    const auto decoded = decode_packets(dir.file("a.ivf"), cfg, packets);
    ASSERT_EQ(decoded.size(), nv12.size());
    EXPECT_EQ(decoded[0].width(), cfg.width);
    EXPECT_EQ(decoded[0].height(), cfg.height);
    EXPECT_GT(mean_psnr(reference, decoded), 35.0);
}

TEST_F(NvencAv1, QpFollowsTheQuantizerScale) {
    // nvcast's AV1 QP 0..63 becomes NVENC's qindex and back: a higher QP gives a smaller stream.
    const auto frames = synthetic_frames(320, 240, 10);
    const auto fine = encode_all("nvenc", av1(20), frames);
    const auto coarse = encode_all("nvenc", av1(50), frames);
    size_t fine_bytes = 0, coarse_bytes = 0;
    for (const Packet& p : fine) fine_bytes += p.size();
    for (const Packet& p : coarse) coarse_bytes += p.size();
    EXPECT_GT(fine_bytes, coarse_bytes * 2);
}

TEST_F(NvencAv1, Main10FromP010) {
    TempDir dir;
    EncoderConfig cfg = av1();
    cfg.bit_depth = 10;
    cfg.input_format = PixelFormat::P010;
    const auto p010 = synthetic_frames(cfg.width, cfg.height, 8, PixelFormat::P010);
    const auto reference = synthetic_frames(cfg.width, cfg.height, 8, PixelFormat::I420_10);
    const auto decoded = decode_packets(dir.file("a.ivf"), cfg, encode_all("nvenc", cfg, p010));
    ASSERT_EQ(decoded.size(), p010.size());
    EXPECT_EQ(decoded[0].format(), PixelFormat::I420_10);
    EXPECT_GT(mean_psnr(reference, decoded), 35.0);
}

TEST_F(NvencAv1, LowLatencyCbrHitsTheTarget) {
    TempDir dir;
    EncoderConfig cfg = config(Codec::AV1);
    cfg.rc.mode = RateControlMode::CBR;
    cfg.rc.bitrate = 400'000;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 90);
    const auto packets = encode_all("nvenc", cfg, frames);
    ASSERT_EQ(packets.size(), frames.size());
    const double rate = bitrate_of(packets, cfg);
    EXPECT_NEAR(rate, 400'000, 40'000);
    EXPECT_EQ(decode_packets(dir.file("c.ivf"), cfg, packets).size(), frames.size());
}

TEST_F(NvencAv1, BFramesComeOutInDisplayOrder) {
    TempDir dir;
    EncoderConfig cfg = av1();
    cfg.b_frames = 3;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 24);
    const auto packets = encode_all("nvenc", cfg, frames);
    ASSERT_EQ(packets.size(), frames.size());
    for (size_t i = 0; i < packets.size(); ++i) {
        EXPECT_EQ(packets[i].pts, static_cast<int64_t>(i));
        EXPECT_EQ(packets[i].dts, packets[i].pts);
    }
    const auto decoded = decode_packets(dir.file("b.ivf"), cfg, packets);
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_GT(mean_psnr(frames, decoded), 35.0);
}

TEST_F(NvencAv1, GopAndForcedKeyFrames) {
    EncoderConfig cfg = av1();
    cfg.gop_length = 10;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 25);
    const auto packets = encode_all("nvenc", cfg, frames, {13});
    ASSERT_EQ(packets.size(), frames.size());
    std::set<size_t> keys;
    for (size_t i = 0; i < packets.size(); ++i) {
        EXPECT_EQ(packets[i].keyframe, is_keyframe_access_unit(Codec::AV1, packets[i].data)) << "frame " << i;
        if (packets[i].keyframe) keys.insert(i);
    }
    EXPECT_TRUE(keys.count(0) && keys.count(10) && keys.count(13)) << "key frames: " << keys.size();
}

TEST_F(NvencAv1, SequenceHeaderForContainers) {
    auto opened = open_encoder("nvenc", av1());
    const std::vector<uint8_t> header = opened.encoder->codec_headers();
    const auto obus = parse_obus(header);
    ASSERT_FALSE(obus.empty());
    EXPECT_EQ(obus.front().type, ObuType::SequenceHeader);
}

TEST_F(NvencAv1, DeviceFramesAreMappedNotCopied) {
    EncoderConfig cfg = config(Codec::AV1);
    cfg.input_format = PixelFormat::NV12;
    auto opened = open_encoder("nvenc", cfg);
    auto& enc = as_nvenc(*opened.encoder);
    // Three surfaces in turn; SVT-AV1 behind the emulator holds one frame, so a surface is
    // free again (its packet out) before it comes round.
    const auto host = synthetic_frames(cfg.width, cfg.height, 10, PixelFormat::NV12);
    const auto packets = encode_from_device_surfaces(enc, host, 3);
    EXPECT_EQ(enc.registrations(), 3);
    TempDir dir;
    const auto decoded = decode_packets(dir.file("d.ivf"), cfg, packets);
    ASSERT_EQ(decoded.size(), host.size());
    EXPECT_GT(mean_psnr(synthetic_frames(cfg.width, cfg.height, 10), decoded), 35.0);
}

TEST_F(NvencAv1, WhatAv1CannotDoIsRefusedBeforeTheSessionOpens) {
    const std::vector<std::pair<std::function<void(EncoderConfig&)>, std::string>> cases = {
        {[](EncoderConfig& c) { c.chroma = ChromaFormat::YUV444; c.input_format = PixelFormat::I444; },
         "4:4:4 av1 encoding is not supported"},
        {[](EncoderConfig& c) { c.tuning = Tuning::Lossless; }, "lossless av1 encoding is not supported"},
        {[](EncoderConfig& c) { c.intra_refresh = true; }, "intra refresh is not supported for av1"},
        {[](EncoderConfig& c) { c.slices = 4; }, "AV1 has tiles, not slices"},
    };
    for (const auto& [change, text] : cases) {
        EncoderConfig cfg = av1();
        change(cfg);
        auto [code, message] = error_of([&] { nvenc::NvencEncoder(cfg, nvenc::Options{}); });
        EXPECT_EQ(code, ErrorCode::Unsupported) << text;
        EXPECT_NE(message.find(text), std::string::npos) << message;
        EXPECT_NE(message.find("nvcast emulated NVENC GPU 0"), std::string::npos) << message;
    }
}

TEST_F(NvencAv1, BitrateChangeRefusedWhereTheGpuCannot) {
    EncoderConfig cfg = config(Codec::AV1);
    cfg.rc.mode = RateControlMode::CBR;
    cfg.rc.bitrate = 500'000;
    auto opened = open_encoder("nvenc", cfg);
    auto [code, message] = error_of([&] { opened.encoder->set_bitrate(250'000, 0); });
    EXPECT_EQ(code, ErrorCode::Unsupported);
    EXPECT_NE(message.find("cannot change the bitrate mid-stream"), std::string::npos) << message;
}

TEST_F(NvencAv1, CliEncodesAv1WithNvenc) {
    TempDir dir;
    const std::string out = dir.file("cli.mp4");  // MP4 needs the sequence header (av1C) up front
    const auto r = run_cli("encode synthetic:320x240@30:20 -c av1 --backend nvenc -o " + out + " --psnr --json");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("\"backend\": \"nvenc\""), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"frames\": 20"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace nvcast::test
