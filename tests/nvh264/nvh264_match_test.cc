// nvh264 decoder match: libavcodec's decoded pictures equal the encoder's own
// reconstruction bit for bit, for every plane of every frame.
#include <gtest/gtest.h>

#include "nvh264_test_util.h"

namespace nvcast::test {
namespace {

enum class Content { Synthetic, Flat, Noise };

struct MatchCase {
    const char* name;
    int width, height, qp, frames;
    Content content;
    int preset = 4;
    int deblock = -1;
    int intra4x4 = -1;
    int partitions = -1;
    int slices = 1;
    bool intra_refresh = false;
    PixelFormat format = PixelFormat::I420;
};

std::ostream& operator<<(std::ostream& os, const MatchCase& c) { return os << c.name; }

std::vector<Frame> content(const MatchCase& c) {
    switch (c.content) {
        case Content::Flat: return flat_frames(c.width, c.height, c.frames, c.format);
        case Content::Noise: return noise_frames(c.width, c.height, c.frames);
        default: return synthetic_frames(c.width, c.height, c.frames, c.format, 3);
    }
}

class nvh264Match : public ::testing::TestWithParam<MatchCase> {};

TEST_P(nvh264Match, DecoderOutputEqualsReconstruction) {
    const MatchCase& c = GetParam();
    EncoderConfig cfg = nvh264_config(c.width, c.height, c.qp);
    cfg.preset = c.preset;
    cfg.slices = c.slices;
    cfg.input_format = c.format;
    cfg.gop_length = kInfiniteGop;
    cfg.intra_refresh = c.intra_refresh;
    cfg.intra_refresh_period = c.intra_refresh ? 4 : 0;
    nvh264::Options opt;
    opt.deblock = c.deblock;
    opt.intra4x4 = c.intra4x4;
    opt.partitions = c.partitions;
    const std::vector<Frame> src = content(c);
    const nvh264Run run = nvh264_encode(cfg, src, opt);
    TempDir dir;
    const std::vector<Frame> decoded = decode_stream(dir, run.stream);
    ASSERT_EQ(decoded.size(), src.size());
    for (size_t i = 0; i < decoded.size(); ++i) {
        ASSERT_EQ(decoded[i].width(), c.width);
        ASSERT_EQ(decoded[i].height(), c.height);
    }
    EXPECT_EQ(first_mismatch(decoded, run.recon), -1);
    // The reconstruction is a real picture of the source, not garbage that happens to match.
    std::vector<Frame> src_i420;
    for (const Frame& f : src) src_i420.push_back(to_i420(f));
    const double psnr = mean_psnr(src_i420, decoded);
    if (c.content != Content::Noise) {
        EXPECT_GT(psnr, c.qp <= 30 ? 30.0 : 24.0);
    } else {
        EXPECT_GT(psnr, c.qp <= 20 ? 25.0 : 8.0);
    }
}

// clang-format off
const MatchCase kCases[] = {
    {"intra16_only_qp28_64x48", 64, 48, 28, 1, Content::Synthetic, 1, 0, 0, 0},
    {"synthetic_qp26_352x288", 352, 288, 26, 6, Content::Synthetic},
    {"synthetic_qp12_200x120", 200, 120, 12, 4, Content::Synthetic},
    {"synthetic_qp40_200x120", 200, 120, 40, 6, Content::Synthetic},
    {"synthetic_qp51_64x48", 64, 48, 51, 4, Content::Synthetic},
    {"synthetic_qp0_64x48", 64, 48, 0, 3, Content::Synthetic},
    {"flat_qp30_64x48", 64, 48, 30, 4, Content::Flat},
    {"noise_qp20_64x48", 64, 48, 20, 3, Content::Noise},
    {"noise_qp36_200x120", 200, 120, 36, 3, Content::Noise},
    {"no_deblock_qp32_200x120", 200, 120, 32, 5, Content::Synthetic, 4, 0},
    {"no_i4x4_no_partitions_qp30_200x120", 200, 120, 30, 5, Content::Synthetic, 4, 1, 0, 0},
    {"i4x4_qp24_176x144", 176, 144, 24, 4, Content::Synthetic, 4, 1, 1, 0},
    {"partitions_qp28_176x144", 176, 144, 28, 5, Content::Synthetic, 4, 1, 1, 1},
    {"slices3_qp28_200x120", 200, 120, 28, 4, Content::Synthetic, 4, -1, -1, -1, 3},
    {"intra_refresh_qp30_200x120", 200, 120, 30, 9, Content::Synthetic, 4, -1, -1, -1, 1, true},
    {"nv12_qp28_64x48", 64, 48, 28, 3, Content::Synthetic, 4, -1, -1, -1, 1, false, PixelFormat::NV12},
    {"preset7_qp30_352x288", 352, 288, 30, 3, Content::Synthetic, 7},
    {"one_macroblock_qp26_16x16", 16, 16, 26, 4, Content::Synthetic},
    {"one_column_qp26_16x64", 16, 64, 26, 4, Content::Synthetic, 4, -1, -1, -1, 4},
    {"hd_qp30_1280x720", 1280, 720, 30, 2, Content::Synthetic},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Cases, nvh264Match, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<MatchCase>& i) { return std::string(i.param.name); });

TEST(nvh264Match, ForcedIdrAndIntraFramesMatch) {
    const EncoderConfig cfg = nvh264_config(96, 64, 30);
    const std::vector<Frame> src = synthetic_frames(96, 64, 8, PixelFormat::I420, 5);
    const nvh264Run run = nvh264_encode(cfg, src, {}, {3, 6}, {5});
    ASSERT_EQ(run.packets.size(), src.size());
    EXPECT_EQ(run.packets[0].type, FrameType::IDR);
    EXPECT_EQ(run.packets[3].type, FrameType::IDR);
    EXPECT_EQ(run.packets[5].type, FrameType::I);
    EXPECT_EQ(run.packets[6].type, FrameType::IDR);
    EXPECT_EQ(run.packets[1].type, FrameType::P);
    for (const Packet& p : run.packets) EXPECT_EQ(p.keyframe, is_keyframe_access_unit(Codec::H264, p.data));
    TempDir dir;
    const std::vector<Frame> decoded = decode_stream(dir, run.stream);
    ASSERT_EQ(decoded.size(), src.size());
    EXPECT_EQ(first_mismatch(decoded, run.recon), -1);
}

// Fast diagonal pans (7, -5 samples per frame) with a wide search: vectors point far outside the
// picture, so the clamped reference reads and predictor edge cases are exercised.
TEST(nvh264Match, FastPanWithVectorsOutsideThePicture) {
    const int w = 96, h = 64, n = 8;
    const std::vector<Frame> big = synthetic_frames(w + 7 * n, h + 5 * n, 1, PixelFormat::I420, 9);
    std::vector<Frame> src;
    for (int i = 0; i < n; ++i) {
        Frame f = Frame::allocate(PixelFormat::I420, w, h);
        const int ox = 7 * i, oy = 5 * (n - 1 - i);
        for (int p = 0; p < 3; ++p) {
            const int s = p ? 1 : 0;
            for (int y = 0; y < (h >> s); ++y)
                for (int x = 0; x < (w >> s); ++x)
                    f.data(p)[y * f.pitch(p) + x] = big[0].data(p)[((oy >> s) + y) * big[0].pitch(p) + (ox >> s) + x];
        }
        f.pts = i;
        src.push_back(std::move(f));
    }
    EncoderConfig cfg = nvh264_config(w, h, 27);
    cfg.preset = 7;  // search range 32
    const nvh264Run run = nvh264_encode(cfg, src);
    TempDir dir;
    const std::vector<Frame> decoded = decode_stream(dir, run.stream);
    ASSERT_EQ(decoded.size(), src.size());
    EXPECT_EQ(first_mismatch(decoded, run.recon), -1);
    EXPECT_GT(mean_psnr(src, decoded), 30.0);
    // Motion compensation must have done the work: P frames far smaller than the IDR.
    for (size_t i = 2; i < run.packets.size(); ++i) EXPECT_LT(run.packets[i].size() * 2, run.packets[0].size());
}

// Intra refresh is a strict gradual decoder refresh: a decoder that joins at the start of a
// refresh cycle, without the IDR, shows exactly the encoder's pictures once the cycle is complete.
TEST(nvh264Match, IntraRefreshLetsADecoderJoinMidStream) {
    if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not installed";
    const int w = 200, h = 120, period = 4, join = 5, n = 14;  // 13 MB columns, 4 per frame
    EncoderConfig cfg = nvh264_config(w, h, 28);
    cfg.gop_length = kInfiniteGop;
    cfg.intra_refresh = true;
    cfg.intra_refresh_period = period;
    const std::vector<Frame> src = synthetic_frames(w, h, n, PixelFormat::I420, 21);
    const nvh264Run run = nvh264_encode(cfg, src);
    for (int i = 1; i < n; ++i) {
        EXPECT_EQ(run.packets[static_cast<size_t>(i)].type, FrameType::P);
        // A recovery point SEI opens every refresh cycle (frames 1, 5, 9, 13) and nothing else.
        bool sei = false;
        for (const NalUnit& nal : split_annexb(run.packets[static_cast<size_t>(i)].data))
            sei |= h264_nal_type(nal) == h264_nal::kSei;
        EXPECT_EQ(sei, (i - 1) % period == 0) << "frame " << i;
    }
    nvh264::NvH264Encoder headers_only(cfg);
    std::vector<uint8_t> stream = headers_only.codec_headers();
    for (int i = join; i < n; ++i) {
        const auto& d = run.packets[static_cast<size_t>(i)].data;
        stream.insert(stream.end(), d.begin(), d.end());
    }
    TempDir dir;
    const std::string in = dir.file("join.h264"), out = dir.file("join.yuv");
    std::ofstream(in, std::ios::binary).write(reinterpret_cast<const char*>(stream.data()),
                                              static_cast<std::streamsize>(stream.size()));
    const CommandResult r = run_command("'" + ffmpeg_path() + "' -hide_banner -loglevel error -flags2 +showall -i '" +
                                        in + "' -f rawvideo -pix_fmt yuv420p -y '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::ifstream yuv(out, std::ios::binary);
    const size_t frame_bytes = static_cast<size_t>(w) * h * 3 / 2;
    std::vector<uint8_t> buf(frame_bytes);
    int compared = 0;
    for (int i = join; i < n && yuv.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(frame_bytes)); ++i) {
        if (i < join + period - 1) continue;  // still refreshing
        const Frame& rec = run.recon[static_cast<size_t>(i)];
        bool same = true;
        const uint8_t* p = buf.data();
        for (int c = 0; c < 3; ++c) {
            const int pw = c ? w / 2 : w, ph = c ? h / 2 : h;
            for (int y = 0; y < ph; ++y, p += pw)
                same &= std::equal(p, p + pw, rec.data(c) + static_cast<size_t>(y) * rec.pitch(c));
        }
        EXPECT_TRUE(same) << "frame " << i << " differs after the refresh cycle";
        ++compared;
    }
    EXPECT_EQ(compared, n - (join + period - 1));
}

}  // namespace
}  // namespace nvcast::test
