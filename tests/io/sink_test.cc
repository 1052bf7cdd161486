#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace nvcast {
namespace {

StreamInfo stream(Codec codec) {
    StreamInfo s;
    s.codec = codec;
    s.width = 64;
    s.height = 48;
    s.fps_num = 25;
    return s;
}

std::string error_of(const std::string& path, Codec codec) {
    try {
        open_sink(path, stream(codec));
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Sink, ExtensionPicksFormatAndMismatchesAreReported) {
    test::TempDir dir;
    EXPECT_NE(error_of(dir.file("a.xyz"), Codec::H264).find("unknown extension '.xyz'"), std::string::npos);
    EXPECT_NE(error_of(dir.file("a.h264"), Codec::AV1).find("holds h264, but the codec is av1"), std::string::npos);
    EXPECT_NE(error_of(dir.file("a.ivf"), Codec::HEVC).find("holds av1"), std::string::npos);
    EXPECT_NE(error_of(dir.file("a.webm"), Codec::H264).find("cannot hold h264"), std::string::npos);
    EXPECT_NE(error_of("/nonexistent-dir/a.h264", Codec::H264).find("cannot write output"), std::string::npos);
    EXPECT_NE(error_of("/nonexistent-dir/a.mp4", Codec::H264).find("cannot write output"), std::string::npos);
}

TEST(Sink, IvfHeaderAndFrameHeaders) {
    test::TempDir dir;
    {
        auto sink = open_sink(dir.file("a.ivf"), stream(Codec::AV1));
        Packet p;
        p.data = {1, 2, 3};
        p.pts = 7;
        sink->write(p);
        sink->write(p);
        sink->close();
    }
    std::ifstream in(dir.file("a.ivf"), std::ios::binary);
    std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), {});
    ASSERT_EQ(b.size(), 32u + 2 * (12 + 3));
    EXPECT_EQ(std::string(b.begin(), b.begin() + 4), "DKIF");
    EXPECT_EQ(std::string(b.begin() + 8, b.begin() + 12), "AV01");
    EXPECT_EQ(b[12] | b[13] << 8, 64);
    EXPECT_EQ(b[14] | b[15] << 8, 48);
    EXPECT_EQ(b[16], 25);   // rate
    EXPECT_EQ(b[20], 1);    // scale
    EXPECT_EQ(b[24], 2);    // frame count, written at close
    EXPECT_EQ(b[32], 3);    // first frame size
    EXPECT_EQ(b[36], 7);    // its pts
}

// MP4 from a B-frame stream: ffprobe must see pts = frame index / fps for every
// frame and strictly increasing dts.
TEST(Sink, Mp4TimestampsAreMonotonicAndRight) {
    if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not installed";
    test::TempDir dir;
    EncoderConfig c;
    c.width = 64;
    c.height = 48;
    c.fps_num = 25;
    c.b_frames = 2;
    c.preset = 1;
    auto opened = open_encoder("x264", c);
    StreamInfo s = stream(Codec::H264);
    s.codec_headers = opened.encoder->codec_headers();
    const auto frames = test::synthetic_frames(64, 48, 20);
    {
        auto sink = open_sink(dir.file("a.mp4"), s);
        auto drain = [&] {
            while (auto p = opened.encoder->receive_packet()) sink->write(*p);
        };
        for (size_t i = 0; i < frames.size(); ++i) {
            Frame f = frames[i];
            f.pts = static_cast<int64_t>(i);
            opened.encoder->send_frame(f);
            drain();
        }
        opened.encoder->flush();
        drain();
        sink->close();
    }
    const std::string ffprobe = test::ffmpeg_path().substr(0, test::ffmpeg_path().rfind('/') + 1) + "ffprobe";
    const auto r = test::run_command(ffprobe + " -v error -select_streams v -show_entries packet=pts_time,dts_time -of csv=p=0 " +
                                     dir.file("a.mp4"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::istringstream lines(r.output);
    std::string line;
    std::vector<double> pts, dts;
    while (std::getline(lines, line)) {
        const size_t comma = line.find(',');
        pts.push_back(std::stod(line.substr(0, comma)));
        dts.push_back(std::stod(line.substr(comma + 1)));
    }
    ASSERT_EQ(pts.size(), frames.size());
    for (size_t i = 1; i < dts.size(); ++i) EXPECT_GT(dts[i], dts[i - 1]) << i;
    std::sort(pts.begin(), pts.end());
    for (size_t i = 0; i < pts.size(); ++i) EXPECT_NEAR(pts[i], static_cast<double>(i) / 25.0, 1e-6) << i;
    EXPECT_EQ(decode_all(dir.file("a.mp4")).size(), frames.size());
}

}  // namespace
}  // namespace nvcast
