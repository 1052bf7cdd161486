// What the configuration promises about the stream: keyframes where configured,
// forced IDRs, CBR accuracy, live bitrate changes, output delay, bit depth,
// chroma format, lossless, intra refresh and slices. Checked on the bitstream.
#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "backends/backend_cases.h"
#include "nvcast/bitstream.h"

namespace nvcast::test {
namespace {

class Structure : public ::testing::TestWithParam<BackendCase> {};

// Display indices (pts) of the packets that start with a random-access point,
// checked against both the bitstream and the packet flag.
std::set<int64_t> keyframe_positions(Codec codec, const std::vector<Packet>& packets) {
    std::set<int64_t> keys;
    for (const Packet& p : packets) {
        const bool in_stream = is_keyframe_access_unit(codec, p.data);
        EXPECT_EQ(in_stream, p.keyframe) << "pts " << p.pts;
        if (in_stream) keys.insert(p.pts);
    }
    return keys;
}

TEST_P(Structure, KeyframesExactlyAtGopBoundaries) {
    EncoderConfig c = small_config(GetParam());
    c.gop_length = 10;
    const auto packets = encode_all(GetParam().backend, c, synthetic_frames(c.width, c.height, 35));
    EXPECT_EQ(keyframe_positions(c.codec, packets), (std::set<int64_t>{0, 10, 20, 30}));
}

TEST_P(Structure, InfiniteGopHasOneKeyframe) {
    EncoderConfig c = small_config(GetParam());
    c.gop_length = kInfiniteGop;
    const auto packets = encode_all(GetParam().backend, c, synthetic_frames(c.width, c.height, 40));
    EXPECT_EQ(keyframe_positions(c.codec, packets), (std::set<int64_t>{0}));
}

TEST_P(Structure, ForcedIdrLandsOnRequestedFrame) {
    EncoderConfig c = small_config(GetParam());
    c.gop_length = kInfiniteGop;
    const auto packets = encode_all(GetParam().backend, c, synthetic_frames(c.width, c.height, 30), {17});
    EXPECT_EQ(keyframe_positions(c.codec, packets), (std::set<int64_t>{0, 17}));
}

TEST_P(Structure, CbrAverageWithinTenPercentOver150Frames) {
    EncoderConfig c = small_config(GetParam(), RateControlMode::CBR);
    c.rc.bitrate = 300'000;
    const auto packets = encode_all(GetParam().backend, c, synthetic_frames(c.width, c.height, 150));
    const double rate = bitrate_of(packets, c);
    EXPECT_NEAR(rate, 300'000.0, 30'000.0) << "measured " << rate << " bit/s";
}

TEST_P(Structure, TenBitInputEncodesTenBit) {
    if (!open_encoder(GetParam().backend, small_config(GetParam())).encoder->capabilities().bit_depth_10)
        GTEST_SKIP() << "library built without 10-bit";
    EncoderConfig c = small_config(GetParam());
    c.bit_depth = 10;
    c.input_format = PixelFormat::P010;
    const auto frames = synthetic_frames(c.width, c.height, 10, PixelFormat::P010);
    TempDir dir;
    const auto decoded = decode_packets(dir.file("ten" + GetParam().extension), c, encode_all(GetParam().backend, c, frames));
    ASSERT_EQ(decoded.size(), frames.size());
    ASSERT_EQ(decoded[0].format(), PixelFormat::I420_10);
    PsnrAccumulator acc;
    for (size_t i = 0; i < frames.size(); ++i) {
        Frame planar;
        convert_yuv_layout(frames[i], PixelFormat::I420_10, planar);
        acc.add(compute_psnr(planar, decoded[i]));
    }
    EXPECT_GT(acc.mean().average, 30.0);
}

TEST_P(Structure, LowLatencyOutputDelayMatchesCapabilities) {
    EncoderConfig c = small_config(GetParam());
    c.tuning = Tuning::LowLatency;
    auto opened = open_encoder(GetParam().backend, c);
    const int allowed_delay = opened.encoder->capabilities().zero_latency ? 0 : 1;
    const auto frames = synthetic_frames(c.width, c.height, 12);
    int received = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
        opened.encoder->send_frame(frames[i]);
        while (opened.encoder->receive_packet()) ++received;
        if (GetParam().backend == "svtav1") {
            // SVT-AV1 works on its own threads: give the frame a moment to come out.
            for (int spin = 0; spin < 2000 && received + allowed_delay < static_cast<int>(i) + 1; ++spin) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                while (opened.encoder->receive_packet()) ++received;
            }
        }
        EXPECT_GE(received + allowed_delay, static_cast<int>(i) + 1) << "frame " << i;
    }
}

INSTANTIATE_TEST_SUITE_P(Software, Structure, ::testing::ValuesIn(software_backends()),
                         backend_param_name);

// Features of the x264/x265 paths that SVT-AV1 doesn't have.
class X26x : public ::testing::TestWithParam<BackendCase> {};

TEST_P(X26x, LiveBitrateChangeMovesFollowingFrames) {
    EncoderConfig c = small_config(GetParam(), RateControlMode::CBR);
    c.rc.bitrate = 800'000;
    c.gop_length = kInfiniteGop;
    auto opened = open_encoder(GetParam().backend, c);
    if (!opened.encoder->capabilities().dynamic_bitrate) {
        EXPECT_THROW(opened.encoder->set_bitrate(200'000), Error);
        GTEST_SKIP() << GetParam().backend << " reports no live bitrate change";
    }
    const auto frames = synthetic_frames(c.width, c.height, 150);
    std::vector<Packet> packets;
    for (size_t i = 0; i < frames.size(); ++i) {
        if (i == 60) opened.encoder->set_bitrate(200'000);
        opened.encoder->send_frame(frames[i]);
        while (auto p = opened.encoder->receive_packet()) packets.push_back(std::move(*p));
    }
    opened.encoder->flush();
    while (auto p = opened.encoder->receive_packet()) packets.push_back(std::move(*p));
    ASSERT_EQ(packets.size(), frames.size());
    const std::vector<Packet> before(packets.begin() + 10, packets.begin() + 60);
    const std::vector<Packet> after(packets.begin() + 90, packets.end());
    const double rate_before = bitrate_of(before, c), rate_after = bitrate_of(after, c);
    EXPECT_NEAR(rate_after, 200'000.0, 40'000.0) << "before " << rate_before;
    EXPECT_LT(rate_after, rate_before * 0.5);
    EXPECT_EQ(keyframe_positions(c.codec, packets), (std::set<int64_t>{0})) << "no keyframe for a bitrate change";
}

TEST_P(X26x, Yuv444EncodesAndDecodesAs444) {
    EncoderConfig c = small_config(GetParam());
    c.chroma = ChromaFormat::YUV444;
    c.input_format = PixelFormat::I444;
    const auto frames = synthetic_frames(c.width, c.height, 8, PixelFormat::I444);
    TempDir dir;
    const auto decoded = decode_packets(dir.file("444" + GetParam().extension), c, encode_all(GetParam().backend, c, frames));
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_EQ(decoded[0].format(), PixelFormat::I444);
    EXPECT_GT(mean_psnr(frames, decoded), 30.0);
}

TEST_P(X26x, LosslessIsBitExact) {
    EncoderConfig c = small_config(GetParam());
    c.tuning = Tuning::Lossless;
    const auto frames = synthetic_frames(c.width, c.height, 5);
    TempDir dir;
    const auto decoded = decode_packets(dir.file("ll" + GetParam().extension), c, encode_all(GetParam().backend, c, frames));
    ASSERT_EQ(decoded.size(), frames.size());
    for (size_t i = 0; i < frames.size(); ++i) EXPECT_TRUE(frames_equal(frames[i], decoded[i])) << "frame " << i;
}

TEST_P(X26x, IntraRefreshReplacesKeyframes) {
    EncoderConfig c = small_config(GetParam());
    c.gop_length = kInfiniteGop;
    c.intra_refresh = true;
    c.intra_refresh_period = 10;
    c.tuning = Tuning::LowLatency;
    const auto frames = synthetic_frames(c.width, c.height, 40);
    const auto packets = encode_all(GetParam().backend, c, frames);
    // Only the first frame is an IDR; later refresh cycles start with recovery points
    // (which the packet flag may mark as places a decoder can join).
    for (const Packet& p : packets) EXPECT_EQ(is_keyframe_access_unit(c.codec, p.data), p.pts == 0) << "pts " << p.pts;
    TempDir dir;
    const auto decoded = decode_packets(dir.file("ir" + GetParam().extension), c, packets);
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_GT(mean_psnr(frames, decoded), 30.0);
}

TEST_P(X26x, SlicesPerFrame) {
    EncoderConfig c = small_config(GetParam());
    c.slices = 3;
    const auto packets = encode_all(GetParam().backend, c, synthetic_frames(c.width, c.height, 3));
    for (const Packet& p : packets) {
        int slices = 0;
        for (const NalUnit& nal : split_annexb(p.data)) {
            const int type = c.codec == Codec::H264 ? h264_nal_type(nal) : hevc_nal_type(nal);
            slices += c.codec == Codec::H264 ? (type == 1 || type == 5) : (type < 32);
        }
        EXPECT_EQ(slices, 3) << "pts " << p.pts;
    }
}

TEST_P(X26x, BFramesReorderWithValidTimestamps) {
    EncoderConfig c = small_config(GetParam());
    c.b_frames = 2;
    const auto frames = synthetic_frames(c.width, c.height, 20);
    const auto packets = encode_all(GetParam().backend, c, frames);
    int b_frames = 0;
    std::set<int64_t> pts;
    for (size_t i = 0; i < packets.size(); ++i) {
        b_frames += packets[i].type == FrameType::B;
        EXPECT_LE(packets[i].dts, packets[i].pts);
        if (i > 0) {
            EXPECT_GT(packets[i].dts, packets[i - 1].dts);
        }
        pts.insert(packets[i].pts);
    }
    EXPECT_GT(b_frames, 0);
    EXPECT_EQ(pts.size(), frames.size());
    EXPECT_EQ(*pts.rbegin(), 19);
}

TEST(SvtAv1, AnyBFrameCountEncodesInDisplayOrder) {
    // SVT-AV1 has mini-GOPs of 2^levels frames, levels 2..5: 1 B-frame rounds up to 3.
    for (int b : {1, 3, 7}) {
        EncoderConfig c;
        c.codec = Codec::AV1;
        c.width = 128;
        c.height = 96;
        c.rc.qp = 40;
        c.b_frames = b;
        const auto packets = encode_all("svtav1", c, synthetic_frames(c.width, c.height, 12));
        ASSERT_EQ(packets.size(), 12u) << "b_frames " << b;
        for (size_t i = 0; i < packets.size(); ++i) EXPECT_EQ(packets[i].pts, static_cast<int64_t>(i)) << "b_frames " << b;
    }
}

TEST_P(X26x, ColourDescriptionReachesTheStream) {
    if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not installed";
    EncoderConfig c = small_config(GetParam());
    c.color = {ColorPrimaries::BT2020, TransferCharacteristics::PQ, MatrixCoefficients::BT2020_NCL, ColorRange::Full};
    TempDir dir;
    const StreamInfo s = stream_info_for(c);
    {
        auto sink = open_sink(dir.file("c" + GetParam().extension), s);
        for (const Packet& p : encode_all(GetParam().backend, c, synthetic_frames(c.width, c.height, 2))) sink->write(p);
    }
    const std::string ffprobe = ffmpeg_path().substr(0, ffmpeg_path().rfind('/') + 1) + "ffprobe";
    const auto r = run_command(ffprobe + " -v error -show_entries stream=color_range,color_space,color_transfer,color_primaries "
                                         "-of default=nw=1 " + dir.file("c" + GetParam().extension));
    EXPECT_NE(r.output.find("color_range=pc"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("color_primaries=bt2020"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("color_transfer=smpte2084"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("color_space=bt2020nc"), std::string::npos) << r.output;
}

std::vector<BackendCase> x26x_backends() {
    std::vector<BackendCase> out;
    for (const auto& c : software_backends())
        if (c.backend != "svtav1") out.push_back(c);
    return out;
}

INSTANTIATE_TEST_SUITE_P(Software, X26x, ::testing::ValuesIn(x26x_backends()),
                         backend_param_name);

}  // namespace
}  // namespace nvcast::test
