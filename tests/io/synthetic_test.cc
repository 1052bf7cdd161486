#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "support/test_support.h"

namespace nvcast {
namespace {

double mean_abs_difference(const Frame& a, const Frame& b) {
    double sum = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            sum += std::abs(a.data(0)[y * a.pitch(0) + x] - b.data(0)[y * b.pitch(0) + x]);
    return sum / (a.width() * a.height());
}

double luma_variance(const Frame& f) {
    double sum = 0, sum2 = 0;
    const double n = f.width() * f.height();
    for (int y = 0; y < f.height(); ++y)
        for (int x = 0; x < f.width(); ++x) {
            const double v = f.data(0)[y * f.pitch(0) + x];
            sum += v;
            sum2 += v * v;
        }
    return sum2 / n - (sum / n) * (sum / n);
}

TEST(Synthetic, DeterministicMovingDetailedContent) {
    const auto a = test::synthetic_frames(128, 72, 5, PixelFormat::I420, 7);
    const auto b = test::synthetic_frames(128, 72, 5, PixelFormat::I420, 7);
    const auto c = test::synthetic_frames(128, 72, 1, PixelFormat::I420, 8);
    ASSERT_EQ(a.size(), 5u);
    for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(frames_equal(a[i], b[i]));
    EXPECT_FALSE(frames_equal(a[0], c[0]));
    EXPECT_GT(luma_variance(a[0]), 500.0);               // detail, not a flat field
    EXPECT_GT(mean_abs_difference(a[0], a[4]), 10.0);     // it moves
    EXPECT_GT(mean_abs_difference(a[0], a[1]), 1.0);      // and is noisy frame to frame
}

TEST(Synthetic, SpecParsing) {
    auto src = open_source("synthetic:320x180@60:12");
    EXPECT_EQ(src->info().width, 320);
    EXPECT_EQ(src->info().height, 180);
    EXPECT_EQ(src->info().fps_num, 60);
    EXPECT_EQ(src->info().frame_count, 12);
    auto ntsc = open_source("synthetic:64x64@30000/1001");
    EXPECT_EQ(ntsc->info().fps_den, 1001);
    InputOptions limit;
    limit.frames = 3;
    EXPECT_EQ(open_source("synthetic:64x64@30:100", limit)->info().frame_count, 3);
    for (const char* bad : {"synthetic:", "synthetic:64", "synthetic:64x", "synthetic:64x64@0", "synthetic:64x64@30:-1",
                            "synthetic:0x64", "synthetic:63x64"})
        EXPECT_THROW(open_source(bad), Error) << bad;
}

TEST(Synthetic, TenBitFormatsUseTheirRange) {
    const auto p010 = test::synthetic_frames(64, 64, 1, PixelFormat::P010);
    const auto i010 = test::synthetic_frames(64, 64, 1, PixelFormat::I420_10);
    const uint16_t* p = reinterpret_cast<const uint16_t*>(p010[0].data(0));
    const uint16_t* q = reinterpret_cast<const uint16_t*>(i010[0].data(0));
    EXPECT_EQ(p[0] & 0x3f, 0);  // low 6 bits unused in P010
    EXPECT_EQ(p[0] >> 6, q[0]);
    EXPECT_LE(q[0], 1023);
}

// The content is pinned: large frames render in bands of rows on several threads, each band's noise
// jumped ahead to its first row, and must give the samples one thread makes row after row (these
// hashes were taken from the one-thread source; the nvh264 golden hashes depend on them too).
TEST(Synthetic, ContentDoesNotDependOnHowRowsAreSplit) {
    const struct {
        int w, h;
        PixelFormat format;
        uint64_t frame0, frame9;
    } cases[] = {
        {1920, 1080, PixelFormat::I420, 0x0166a28f90832c1full, 0x7a092baf5668c0c0ull},
        {1280, 720, PixelFormat::NV12, 0x9a9cd6aedb321003ull, 0xe9cb42b0d1c86092ull},
        {640, 360, PixelFormat::I444_10, 0xd6547c15dc659ba2ull, 0xdc7a1ff24660c0cdull},
    };
    for (const auto& c : cases) {
        const std::vector<Frame> frames = test::synthetic_frames(c.w, c.h, 10, c.format);
        if (std::getenv("NVCAST_PRINT_HASHES"))
            std::printf("%dx%d: 0x%016llxull, 0x%016llxull\n", c.w, c.h, static_cast<unsigned long long>(test::frame_hash(frames[0])),
                        static_cast<unsigned long long>(test::frame_hash(frames[9])));
        EXPECT_EQ(test::frame_hash(frames[0]), c.frame0) << c.w << "x" << c.h;
        EXPECT_EQ(test::frame_hash(frames[9]), c.frame9) << c.w << "x" << c.h;
    }
}

// read_frames: owned copies that outlive the source's reused buffer, pts kept, the limit honoured.
TEST(ReadFrames, KeepsEveryFrameAsItsOwnCopy) {
    const std::vector<Frame> three = read_frames(*open_synthetic(64, 48, 30, 1, 5, PixelFormat::NV12, 3), 3);
    ASSERT_EQ(three.size(), 3u);
    auto again = open_synthetic(64, 48, 30, 1, 5, PixelFormat::NV12, 3);
    Frame expected;
    for (size_t i = 0; i < three.size(); ++i) {
        ASSERT_TRUE(again->read(expected));
        EXPECT_EQ(three[i].pts, static_cast<int64_t>(i));
        EXPECT_EQ(three[i].format(), PixelFormat::NV12);
        EXPECT_EQ(mean_abs_difference(three[i], expected), 0.0) << "frame " << i;
    }
    EXPECT_GT(mean_abs_difference(three[0], three[2]), 1.0) << "each frame is its own, not the last one read";
    EXPECT_EQ(read_frames(*open_synthetic(64, 48, 30, 1, 5)).size(), 5u);
}

TEST(ReadFrames, RefusesASourceOfDeviceFrames) {
    class DeviceSource final : public FrameSource {
    public:
        DeviceSource() {
            info_.width = 64;
            info_.height = 48;
            info_.memory = MemoryType::Cuda;
        }
        const SourceInfo& info() const override { return info_; }
        bool read(Frame&) override { return false; }

    private:
        SourceInfo info_;
    };
    DeviceSource source;
    EXPECT_THROW(read_frames(source), Error);
}

}  // namespace
}  // namespace nvcast
