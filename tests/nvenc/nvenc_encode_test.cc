// The nvenc backend end to end on the emulator: every output decoded by libavcodec.
#include <algorithm>

#include "emu_env.h"

namespace nvcast::test {
namespace {

class NvencEncode : public EmuTest {};

std::vector<Frame> decode(const std::string& path, const EncoderConfig& cfg, const std::vector<Packet>& packets) {
    return decode_packets(path, cfg, packets);
}

TEST_F(NvencEncode, H264HostI420DecodesWithQuality) {
    TempDir dir;
    const EncoderConfig cfg = config();
    const auto frames = synthetic_frames(cfg.width, cfg.height, 20);
    const auto packets = encode_all("nvenc", cfg, frames);
    ASSERT_EQ(packets.size(), frames.size());
    EXPECT_TRUE(packets.front().keyframe);
    EXPECT_EQ(packets.front().type, FrameType::IDR);
    for (const Packet& p : packets) {
        EXPECT_GT(p.size(), 0u);
        EXPECT_GE(p.qp, 0);
    }
    const auto decoded = decode(dir.file("a.h264"), cfg, packets);
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_EQ(decoded[0].width(), cfg.width);
    EXPECT_EQ(decoded[0].height(), cfg.height);
    EXPECT_GT(mean_psnr(frames, decoded), 35.0);
}

TEST_F(NvencEncode, HevcFromNv12) {
    TempDir dir;
    EncoderConfig cfg = config(Codec::HEVC);
    cfg.input_format = PixelFormat::NV12;
    const auto nv12 = synthetic_frames(cfg.width, cfg.height, 12, PixelFormat::NV12);
    const auto i420 = synthetic_frames(cfg.width, cfg.height, 12, PixelFormat::I420);
    const auto packets = encode_all("nvenc", cfg, nv12);
    const auto decoded = decode(dir.file("a.hevc"), cfg, packets);
    ASSERT_EQ(decoded.size(), nv12.size());
    EXPECT_GT(mean_psnr(i420, decoded), 35.0);
}

TEST_F(NvencEncode, HevcMain10FromP010) {
    TempDir dir;
    EncoderConfig cfg = config(Codec::HEVC);
    cfg.bit_depth = 10;
    cfg.input_format = PixelFormat::P010;
    const auto p010 = synthetic_frames(cfg.width, cfg.height, 8, PixelFormat::P010);
    const auto ref = synthetic_frames(cfg.width, cfg.height, 8, PixelFormat::I420_10);
    const auto packets = encode_all("nvenc", cfg, p010);
    const auto decoded = decode(dir.file("a.hevc"), cfg, packets);
    ASSERT_EQ(decoded.size(), p010.size());
    EXPECT_EQ(decoded[0].format(), PixelFormat::I420_10);
    EXPECT_GT(mean_psnr(ref, decoded), 35.0);
}

TEST_F(NvencEncode, H264High444) {
    TempDir dir;
    EncoderConfig cfg = config();
    cfg.chroma = ChromaFormat::YUV444;
    cfg.input_format = PixelFormat::I444;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 6, PixelFormat::I444);
    const auto decoded = decode(dir.file("a.h264"), cfg, encode_all("nvenc", cfg, frames));
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_EQ(decoded[0].format(), PixelFormat::I444);
    EXPECT_GT(mean_psnr(frames, decoded), 35.0);
}

TEST_F(NvencEncode, LosslessIsBitExact) {
    TempDir dir;
    EncoderConfig cfg = config();
    cfg.tuning = Tuning::Lossless;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 4);
    const auto decoded = decode(dir.file("a.h264"), cfg, encode_all("nvenc", cfg, frames));
    ASSERT_EQ(decoded.size(), frames.size());
    for (size_t i = 0; i < frames.size(); ++i) EXPECT_TRUE(frames_equal(frames[i], decoded[i])) << "frame " << i;
}

TEST_F(NvencEncode, BFramesReorderWithValidTimestamps) {
    TempDir dir;
    EncoderConfig cfg = config();
    cfg.b_frames = 2;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 24);
    const auto packets = encode_all("nvenc", cfg, frames);
    ASSERT_EQ(packets.size(), frames.size());
    int b = 0;
    std::vector<int64_t> pts;
    for (size_t i = 0; i < packets.size(); ++i) {
        b += packets[i].type == FrameType::B;
        EXPECT_LE(packets[i].dts, packets[i].pts) << "packet " << i;
        if (i > 0) {
            EXPECT_GT(packets[i].dts, packets[i - 1].dts);
        }
        pts.push_back(packets[i].pts);
    }
    EXPECT_GT(b, 0);
    std::sort(pts.begin(), pts.end());
    for (size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(pts[i], static_cast<int64_t>(i));
    const auto decoded = decode(dir.file("b.h264"), cfg, packets);
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_GT(mean_psnr(frames, decoded), 35.0);
}

TEST_F(NvencEncode, GopForcedIdrAndInfiniteGop) {
    EncoderConfig cfg = config();
    cfg.gop_length = 10;
    auto frames = synthetic_frames(cfg.width, cfg.height, 25);
    auto packets = encode_all("nvenc", cfg, frames, {13});
    ASSERT_EQ(packets.size(), frames.size());
    for (size_t i = 0; i < packets.size(); ++i) {
        const bool expect_key = i == 0 || i == 10 || i == 13 || i == 23;
        EXPECT_EQ(packets[i].keyframe, expect_key) << "frame " << i;
        EXPECT_EQ(is_keyframe_access_unit(cfg.codec, packets[i].data), expect_key) << "frame " << i;
    }
    cfg.gop_length = kInfiniteGop;
    packets = encode_all("nvenc", cfg, frames);
    for (size_t i = 1; i < packets.size(); ++i) EXPECT_FALSE(packets[i].keyframe) << "frame " << i;
}

TEST_F(NvencEncode, ZeroLatencyAndConfigurableOutputDelay) {
    EncoderConfig cfg = config();
    const auto frames = synthetic_frames(cfg.width, cfg.height, 8);
    for (int delay : {0, 2}) {
        cfg.backend_options["nvenc.output_delay"] = std::to_string(delay);
        auto opened = open_encoder("nvenc", cfg);
        for (size_t i = 0; i < frames.size(); ++i) {
            opened.encoder->send_frame(frames[i]);
            const bool expect_packet = static_cast<int>(i) >= delay;
            EXPECT_EQ(opened.encoder->receive_packet().has_value(), expect_packet) << "delay " << delay << " frame " << i;
        }
        opened.encoder->flush();
        int rest = 0;
        while (opened.encoder->receive_packet()) ++rest;
        EXPECT_EQ(rest, delay);
    }
}

TEST_F(NvencEncode, CbrHitsBitrateAndLiveChangeNeedsNoKeyframe) {
    EncoderConfig cfg = config();
    cfg.rc.mode = RateControlMode::CBR;
    cfg.rc.bitrate = 800'000;
    cfg.gop_length = kInfiniteGop;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 90);
    auto opened = open_encoder("nvenc", cfg);
    std::vector<Packet> first, second;
    for (size_t i = 0; i < frames.size(); ++i) {
        if (i == 45) opened.encoder->set_bitrate(200'000);
        opened.encoder->send_frame(frames[i]);
        while (auto p = opened.encoder->receive_packet()) (i < 45 ? first : second).push_back(std::move(*p));
    }
    opened.encoder->flush();
    while (auto p = opened.encoder->receive_packet()) second.push_back(std::move(*p));
    ASSERT_EQ(first.size() + second.size(), frames.size());
    for (const Packet& p : second) EXPECT_FALSE(p.keyframe);
    // The rate controller needs a moment (its VBV buffer) to settle on the new rate.
    const std::vector<Packet> settled(second.begin() + 15, second.end());
    const double before = bitrate_of(first, cfg), after = bitrate_of(settled, cfg);
    EXPECT_NEAR(before, 800'000, 800'000 * 0.35);
    EXPECT_LT(after, before * 0.6);
    EXPECT_EQ(opened.encoder->config().rc.bitrate, 200'000);
}

TEST_F(NvencEncode, RateControlModesOrderBySize) {
    EncoderConfig cfg = config();
    const auto frames = synthetic_frames(cfg.width, cfg.height, 20);
    auto total = [&](const EncoderConfig& c) {
        size_t bytes = 0;
        for (const Packet& p : encode_all("nvenc", c, frames)) bytes += p.size();
        return bytes;
    };
    cfg.rc.mode = RateControlMode::CQP;
    cfg.rc.qp = 20;
    const size_t q20 = total(cfg);
    cfg.rc.qp = 40;
    const size_t q40 = total(cfg);
    EXPECT_GT(q20, q40 * 2);
    cfg.rc.mode = RateControlMode::ConstantQuality;
    cfg.rc.quality = 18;
    const size_t cq18 = total(cfg);
    cfg.rc.quality = 40;
    EXPECT_GT(cq18, total(cfg));
    cfg.rc.mode = RateControlMode::VBR;
    cfg.rc.bitrate = 300'000;
    const double vbr = bitrate_of(encode_all("nvenc", cfg, frames), cfg);
    EXPECT_LT(vbr, 300'000 * 1.6);
}

TEST_F(NvencEncode, IntraRefreshAvoidsIdrs) {
    EncoderConfig cfg = config();
    cfg.intra_refresh = true;
    cfg.intra_refresh_period = 10;
    cfg.gop_length = kInfiniteGop;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 30);
    const auto packets = encode_all("nvenc", cfg, frames);
    ASSERT_EQ(packets.size(), frames.size());
    int keyframes = 0;
    for (const Packet& p : packets) keyframes += p.keyframe;
    EXPECT_EQ(keyframes, 1);
    TempDir dir;
    EXPECT_EQ(decode(dir.file("ir.h264"), cfg, packets).size(), frames.size());
}

TEST_F(NvencEncode, CodecHeadersAreParameterSets) {
    for (Codec codec : {Codec::H264, Codec::HEVC}) {
        auto opened = open_encoder("nvenc", config(codec));
        const auto headers = opened.encoder->codec_headers();
        const auto nals = split_annexb(headers);
        ASSERT_FALSE(nals.empty());
        if (codec == Codec::H264) EXPECT_EQ(h264_nal_type(nals[0]), h264_nal::kSps);
        else EXPECT_EQ(hevc_nal_type(nals[0]), hevc_nal::kVps);
    }
}

BackendInfo nvenc_info() {
    for (const BackendInfo& info : probe_backends())
        if (info.name == "nvenc") return info;
    return {};
}

TEST_F(NvencEncode, ProbeReportsTheGpuAndItsCapabilities) {
    faults("gpu_name=Emulated RTX 4000");
    const BackendInfo info = nvenc_info();
    ASSERT_TRUE(info.available) << info.reason;
    EXPECT_NE(info.description.find("Emulated RTX 4000"), std::string::npos) << info.description;
    EXPECT_NE(info.version.find("NVENC API 12.0"), std::string::npos) << info.version;
    ASSERT_EQ(info.codecs.size(), 3u);
    const Capabilities& h264 = info.codecs[0].caps;
    const Capabilities& hevc = info.codecs[1].caps;
    EXPECT_EQ(info.codecs[0].codec, Codec::H264);
    EXPECT_EQ(h264.max_width, 4096);
    EXPECT_EQ(hevc.max_width, 8192);
    EXPECT_FALSE(h264.bit_depth_10);
    EXPECT_TRUE(hevc.bit_depth_10);
    EXPECT_TRUE(h264.yuv444 && h264.b_frames && h264.lossless && h264.intra_refresh && h264.dynamic_bitrate);
    EXPECT_TRUE(h264.reference_invalidation && h264.device_frames);
    // AV1 through an API 12.0 session: the emulated GPU's AV1 encoder (Ada-like, 4:2:0 only).
    EXPECT_EQ(info.codecs[2].codec, Codec::AV1);
    const Capabilities& av1 = info.codecs[2].caps;
    EXPECT_EQ(av1.max_width, 8192);
    EXPECT_TRUE(av1.bit_depth_10 && av1.b_frames && av1.cbr && av1.vbr);
    EXPECT_FALSE(av1.yuv444 || av1.lossless || av1.intra_refresh);
    EXPECT_EQ(av1.max_slices, 1);
}

TEST_F(NvencEncode, ProbeExplainsAv1ThatTheDriverCannotReach) {
    ::setenv("NVCAST_EMU_API_VERSION", "11.1", 1);
    const BackendInfo info = nvenc_info();
    ASSERT_TRUE(info.available) << info.reason;
    EXPECT_EQ(info.codecs.size(), 2u);
    EXPECT_NE(info.description.find("AV1: driver supports API 11.1, need 12.0"), std::string::npos) << info.description;
}

TEST_F(NvencEncode, ReferenceInvalidationForcesNoIdr) {
    EncoderConfig cfg = config();
    cfg.gop_length = kInfiniteGop;
    const auto frames = synthetic_frames(cfg.width, cfg.height, 10);
    auto opened = open_encoder("nvenc", cfg);
    auto& enc = as_nvenc(*opened.encoder);
    std::vector<Packet> packets;
    for (size_t i = 0; i < frames.size(); ++i) {
        Frame f = frames[i];
        f.pts = static_cast<int64_t>(i);
        if (i == 6) enc.invalidate_reference(4);
        enc.send_frame(f, {});
        while (auto p = enc.receive_packet()) packets.push_back(std::move(*p));
    }
    EXPECT_THROW(enc.invalidate_reference(1000), Error);  // never encoded
    enc.flush();
    while (auto p = enc.receive_packet()) packets.push_back(std::move(*p));
    ASSERT_EQ(packets.size(), frames.size());
    EXPECT_EQ(packets[6].type, FrameType::I);  // recovery point without an IDR
    EXPECT_FALSE(packets[6].keyframe);
    TempDir dir;
    EXPECT_EQ(decode(dir.file("inv.h264"), cfg, packets).size(), frames.size());
}

}  // namespace
}  // namespace nvcast::test

namespace nvcast::test {
namespace {

// FFmpeg's send/receive contract: a session whose surfaces all hold unread packets says "try
// again" instead of throwing; after reading, the same frame is accepted. send_frame says why.
TEST_F(NvencEncode, FullInputSaysTryAgainUntilPacketsAreRead) {
    const EncoderConfig cfg = config();
    const auto frames = synthetic_frames(cfg.width, cfg.height, 12);
    auto opened = open_encoder("nvenc", cfg);
    Encoder& enc = *opened.encoder;
    size_t sent = 0;
    while (sent < frames.size() && enc.try_send_frame(frames[sent]) == SendResult::Accepted) ++sent;
    ASSERT_LT(sent, frames.size()) << "the surfaces never filled up";
    EXPECT_GT(sent, 0u);
    try {
        enc.send_frame(frames[sent]);
        FAIL() << "send_frame on a full session did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::ResourceExhausted);
        EXPECT_NE(std::string(e.what()).find("read them (receive_packet) first"), std::string::npos) << e.what();
    }
    size_t packets = 0;
    while (enc.receive_packet()) ++packets;
    EXPECT_EQ(packets, sent);
    for (; sent < frames.size(); ++sent) {
        ASSERT_EQ(enc.try_send_frame(frames[sent]), SendResult::Accepted);
        while (enc.receive_packet()) ++packets;
    }
    enc.flush();
    while (enc.receive_packet()) ++packets;
    EXPECT_EQ(packets, frames.size());
}

TEST_F(NvencEncode, ReferenceInvalidationIsPartOfTheEncoderApi) {
    const EncoderConfig cfg = config();
    auto opened = open_encoder("nvenc", cfg);
    if (!opened.encoder->capabilities().reference_invalidation) GTEST_SKIP() << "emulated GPU without it";
    const auto frames = synthetic_frames(cfg.width, cfg.height, 3);
    for (const Frame& f : frames) opened.encoder->send_frame(f);
    EXPECT_NO_THROW(opened.encoder->invalidate_reference(1));
}

}  // namespace
}  // namespace nvcast::test
