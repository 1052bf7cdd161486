// Several streams at once, to files and RTP, decoded by libavcodec; a stop mid-run; pool reuse.
#include <gtest/gtest.h>

#include "gpu/buffer_pool.h"
#include "pipeline_support.h"

using namespace nvcast;
using namespace nvcast::test;

namespace {

constexpr int kFrames = 24;

TEST(PipelineStreams, FourStreamsOfDifferentSizesCodecsAndBackendsToFilesAndRtp) {
    TempDir dir;
    RtpListener h264_rtp, hevc_rtp;
    PipelineConfig config;
    // x264 to MP4 and RTP; x265 to MKV and RTP; SVT-AV1 to IVF; nvh264 (CPU reference here) after
    // scaling 352x288 -> 176x144, to MPEG-TS.
    config.streams.push_back(synthetic_stream("h264", "synthetic:320x240@30:" + std::to_string(kFrames), Codec::H264,
                                              "x264", {dir.file("a.mp4"), h264_rtp.url()}));
    config.streams.push_back(synthetic_stream("hevc", "synthetic:256x144@30:" + std::to_string(kFrames), Codec::HEVC,
                                              "x265", {dir.file("b.mkv"), hevc_rtp.url()}));
    config.streams.push_back(synthetic_stream("av1", "synthetic:192x128@30:" + std::to_string(kFrames), Codec::AV1,
                                              "svtav1", {dir.file("c.ivf")}));
    StreamSpec scaled = synthetic_stream("nvh264", "synthetic:352x288@30:" + std::to_string(kFrames), Codec::H264,
                                         "nvh264", {dir.file("d.ts")});
    scaled.prepare.width = 176;
    scaled.prepare.height = 144;
    config.streams.push_back(std::move(scaled));

    Pipeline pipeline(std::move(config));
    pipeline.start();
    ASSERT_TRUE(pipeline.wait_for(std::chrono::minutes(5)));
    const auto stats = pipeline.stats();
    ASSERT_EQ(stats.size(), 4u);
    for (const StreamStats& s : stats) {
        EXPECT_EQ(s.state, StreamState::Finished) << s.name << ": " << s.error;
        EXPECT_EQ(s.frames_in, kFrames) << s.name;
        EXPECT_EQ(s.frames_encoded, kFrames) << s.name;
        expect_accounted(s);
    }
    EXPECT_NE(stats[3].preparation.find("i420 352x288 -> i420 176x144"), std::string::npos) << stats[3].preparation;

    struct Expect {
        std::string file;
        int width, height, source_width, source_height;
    };
    for (const Expect& e : {Expect{"a.mp4", 320, 240, 320, 240}, Expect{"b.mkv", 256, 144, 256, 144},
                            Expect{"c.ivf", 192, 128, 192, 128}, Expect{"d.ts", 176, 144, 352, 288}}) {
        const auto decoded = decode_file(dir.file(e.file));
        ASSERT_EQ(static_cast<int>(decoded.size()), kFrames) << e.file;
        EXPECT_EQ(decoded[0].width(), e.width) << e.file;
        EXPECT_EQ(decoded[0].height(), e.height) << e.file;
        if (e.width == e.source_width) {
            EXPECT_GT(mean_psnr(synthetic_frames(e.width, e.height, kFrames), decoded), 30.0) << e.file;
        }
    }
    for (auto [listener, codec, width] : {std::tuple{&h264_rtp, Codec::H264, 320}, {&hevc_rtp, Codec::HEVC, 256}}) {
        const auto frames = listener->frames(codec);
        ASSERT_EQ(static_cast<int>(frames.size()), kFrames) << to_string(codec);
        std::vector<Packet> packets;
        for (const auto& f : frames) {
            ASSERT_TRUE(f.complete);
            Packet p;
            p.data = f.data;
            packets.push_back(std::move(p));
        }
        EncoderConfig c = quick_config(codec);
        c.width = width;
        c.height = codec == Codec::H264 ? 240 : 144;
        const auto decoded = decode_packets(dir.file(std::string("rtp") + (codec == Codec::H264 ? ".h264" : ".hevc")),
                                            c, packets);
        EXPECT_EQ(static_cast<int>(decoded.size()), kFrames) << to_string(codec);
    }
    const auto& rtp_stats = stats[0].sinks[1].network;
    ASSERT_TRUE(rtp_stats.has_value());
    EXPECT_EQ(rtp_stats->frames, static_cast<uint64_t>(kFrames));
    EXPECT_EQ(rtp_stats->send_errors, 0u);
}

TEST(PipelineStreams, StopMidRunFinalisesEveryFile) {
    TempDir dir;
    PipelineConfig config;
    config.streams.push_back(synthetic_stream("mp4", "synthetic:160x96@30:100000", Codec::H264, "x264",
                                              {dir.file("live.mp4"), dir.file("live.mkv")}));
    config.streams.push_back(synthetic_stream("ts", "synthetic:128x96@30:100000", Codec::HEVC, "x265",
                                              {dir.file("live.ts")}));
    Pipeline pipeline(std::move(config));
    pipeline.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    pipeline.stop();
    ASSERT_TRUE(pipeline.wait_for(std::chrono::minutes(1)));
    const auto stats = pipeline.stats();
    for (const StreamStats& s : stats) {
        EXPECT_EQ(s.state, StreamState::Stopped) << s.name << ": " << s.error;
        EXPECT_GT(s.frames_encoded, 0) << s.name;
        EXPECT_EQ(s.frames_dropped(), 0) << s.name;  // block: everything read was encoded
        expect_accounted(s);
    }
    EXPECT_EQ(static_cast<int64_t>(decode_file(dir.file("live.mp4")).size()), stats[0].frames_encoded);
    EXPECT_EQ(static_cast<int64_t>(decode_file(dir.file("live.mkv")).size()), stats[0].frames_encoded);
    EXPECT_EQ(static_cast<int64_t>(decode_file(dir.file("live.ts")).size()), stats[1].frames_encoded);
}

// A stopped live stream still says goodbye: its RTP sink ends with an RTCP BYE (RFC 3550 §6.6).
TEST(PipelineStreams, StopSendsRtcpByeAfterTheLastPacket) {
    RtpListener media, control;
    StreamSpec s = synthetic_stream("live", "synthetic:96x64@30:100000", Codec::H264, "x264", {media.url()});
    s.realtime = true;
    s.sinks[0].rtp.sender.rtcp_port = control.port();
    PipelineConfig config;
    config.streams.push_back(std::move(s));
    Pipeline pipeline(std::move(config));
    pipeline.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    pipeline.stop();
    ASSERT_TRUE(pipeline.wait_for(std::chrono::seconds(30)));
    const StreamStats st = pipeline.stats().front();
    EXPECT_EQ(st.state, StreamState::Stopped) << st.error;
    EXPECT_EQ(static_cast<int64_t>(media.frames(Codec::H264).size()), st.frames_encoded);
    const auto& rtcp = control.datagrams();
    ASSERT_FALSE(rtcp.empty());
    // The last compound packet carries a BYE (packet type 203) after its SR and SDES.
    const auto& last = rtcp.back();
    bool bye = false;
    for (size_t at = 0; at + 4 <= last.size();) {
        bye = bye || last[at + 1] == 203;
        at += 4 * (static_cast<size_t>(last[at + 2] << 8 | last[at + 3]) + 1);
    }
    EXPECT_TRUE(bye);
}

// Steady state allocates nothing: however long the run, the pools never hold more buffers than
// frames can be out at once (queue + 3 per pool), so 300 frames allocate no more than that bound.
TEST(PipelineStreams, PoolsStopAllocatingAfterWarmUp) {
    constexpr int kQueue = 4;
    auto run = [](int frames, bool scale) {
        auto sink = std::make_shared<RecordingSink>();
        StreamSpec s = synthetic_stream("pool", "synthetic:128x96@30:" + std::to_string(frames), Codec::H264, "x264", {});
        SinkSpec custom;
        custom.custom = sink;
        s.sinks.push_back(custom);
        s.queue_frames = kQueue;
        if (scale) {
            s.prepare.width = 64;
            s.prepare.height = 48;
        }
        PipelineConfig config;
        config.streams.push_back(std::move(s));
        Pipeline pipeline(std::move(config));
        pipeline.start();
        EXPECT_TRUE(pipeline.wait_for(std::chrono::minutes(2)));
        const StreamStats st = pipeline.stats().front();
        EXPECT_EQ(st.frames_encoded, frames);
        return st.pool_allocations;
    };
    for (bool scale : {false, true}) {
        const size_t bound = (scale ? 2u : 1u) * (kQueue + 3);
        const size_t long_run = run(300, scale);
        EXPECT_GT(long_run, 0u);
        EXPECT_LE(long_run, bound) << (scale ? "with preparation" : "without") << ": 300 frames";
    }
}

// NVENC takes three-plane 4:2:0 input only with chroma pitch = luma pitch / 2.
TEST(PipelineStreams, PooledThreePlaneFramesKeepNvencsChromaPitch) {
    auto pool = gpu::BufferPool::create(MemoryType::Host);
    for (PixelFormat format : {PixelFormat::I420, PixelFormat::I420_10})
        for (int width : {1280, 1920, 720, 176}) {
            const Frame f = pool->frame(format, width, 64);
            EXPECT_GE(static_cast<size_t>(f.pitch(0)), plane_row_bytes(format, width, 0));
            EXPECT_EQ(f.pitch(1), f.pitch(0) / 2) << to_string(format) << " " << width;
            EXPECT_EQ(f.pitch(2), f.pitch(0) / 2) << to_string(format) << " " << width;
            EXPECT_EQ(f.pitch(1) % 256, 0);
        }
}

}  // namespace
