// CPU reference conversion against the BT.601/709/2020 equations: colour bars, ramps and
// the edges of limited and full range, at 8 and 10 bits.
#include <gtest/gtest.h>

#include "colour_model.h"
#include "gpu_test_util.h"
#include "nvcast/convert.h"

namespace nvcast {
namespace {

using test::model::rounds_to;

struct MatrixCase {
    MatrixCoefficients matrix;
    const char* name;
};
const MatrixCase kMatrices[] = {{MatrixCoefficients::SMPTE170M, "bt601"},
                                {MatrixCoefficients::BT709, "bt709"},
                                {MatrixCoefficients::BT2020_NCL, "bt2020"}};

// 100% and 75% colour bars (white, yellow, cyan, green, magenta, red, blue, black).
Frame colour_bars(PixelFormat f, int level) {
    static const int bars[8][3] = {{1, 1, 1}, {1, 1, 0}, {0, 1, 1}, {0, 1, 0}, {1, 0, 1}, {1, 0, 0}, {0, 0, 1}, {0, 0, 0}};
    return test::rgb_patches(f, 64, 4, 8, [&](int bx, int) {
        return std::array<int, 3>{bars[bx][0] * level, bars[bx][1] * level, bars[bx][2] * level};
    });
}

Frame convert_to(const Frame& in, PixelFormat f, MatrixCoefficients m, ColorRange r) {
    FrameConverter conv;
    ConvertTarget t;
    t.format = f;
    t.color.matrix = m;
    t.color.range = r;
    Frame out = conv.convert(in, t);
    EXPECT_EQ(conv.last_path(), ConvertPath::Cpu);
    return out;
}

TEST(ColorEquations, BarsMatchEquationsForEveryMatrixRangeAndDepth) {
    for (const MatrixCase& mc : kMatrices)
        for (ColorRange range : {ColorRange::Limited, ColorRange::Full})
            for (PixelFormat out_format : {PixelFormat::I444, PixelFormat::I444_10})
                for (int level : {255, 191}) {
                    SCOPED_TRACE(std::string(mc.name) + (range == ColorRange::Full ? " full " : " limited ") +
                                 std::string(to_string(out_format)) + " level " + std::to_string(level));
                    const Frame bars = colour_bars(PixelFormat::RGB24, level);
                    const Frame yuv = convert_to(bars, out_format, mc.matrix, range);
                    const test::Samples s = test::samples_of(yuv);
                    const int bits = format_info(out_format).bit_depth;
                    const test::Samples in = test::samples_of(bars);
                    for (int x = 0; x < 64; x += 8) {
                        const auto e = test::model::rgb_to_ycbcr(mc.matrix, in.at(0, x, 0) / 255.0,
                                                                 in.at(1, x, 0) / 255.0, in.at(2, x, 0) / 255.0);
                        const bool full = range == ColorRange::Full;
                        EXPECT_TRUE(rounds_to(s.at(0, x, 1), test::model::code_exact(e[0], bits, full, false), bits))
                            << "bar " << x / 8 << " Y " << s.at(0, x, 1);
                        EXPECT_TRUE(rounds_to(s.at(1, x, 1), test::model::code_exact(e[1], bits, full, true), bits))
                            << "bar " << x / 8 << " Cb " << s.at(1, x, 1);
                        EXPECT_TRUE(rounds_to(s.at(2, x, 1), test::model::code_exact(e[2], bits, full, true), bits))
                            << "bar " << x / 8 << " Cr " << s.at(2, x, 1);
                    }
                }
}

// Published values: 100% red in BT.709 limited is Y'CbCr (63, 102, 240), in BT.601 limited
// (81, 90, 240), in BT.601 full (76, 85, 255); white/black in 10-bit BT.2020 limited 940/64, chroma 512.
TEST(ColorEquations, PublishedCodeValues) {
    const Frame red = test::rgb_patches(PixelFormat::RGB24, 8, 2, 8, [](int, int) { return std::array<int, 3>{255, 0, 0}; });
    auto check = [&](MatrixCoefficients m, ColorRange r, int y, int cb, int cr) {
        const test::Samples s = test::samples_of(convert_to(red, PixelFormat::I444, m, r));
        EXPECT_EQ(s.at(0, 3, 1), y);
        EXPECT_EQ(s.at(1, 3, 1), cb);
        EXPECT_EQ(s.at(2, 3, 1), cr);
    };
    check(MatrixCoefficients::BT709, ColorRange::Limited, 63, 102, 240);
    check(MatrixCoefficients::SMPTE170M, ColorRange::Limited, 81, 90, 240);
    check(MatrixCoefficients::BT470BG, ColorRange::Full, 76, 85, 255);
    for (int v : {0, 255}) {
        const Frame grey =
            test::rgb_patches(PixelFormat::RGB24, 8, 2, 8, [&](int, int) { return std::array<int, 3>{v, v, v}; });
        const test::Samples s =
            test::samples_of(convert_to(grey, PixelFormat::P010, MatrixCoefficients::BT2020_NCL, ColorRange::Limited));
        EXPECT_EQ(s.at(0, 5, 1), v ? 940 : 64);
        EXPECT_EQ(s.at(1, 2, 0), 512);
        EXPECT_EQ(s.at(2, 2, 0), 512);
    }
}

TEST(ColorEquations, GreyRampKeepsChromaNeutralAndLumaOnTheRangeLine) {
    Frame ramp = Frame::allocate(PixelFormat::BGRA, 256, 2);
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 256; ++x) test::put_rgb(ramp, x, y, x, x, x);
    for (const MatrixCase& mc : kMatrices)
        for (ColorRange range : {ColorRange::Limited, ColorRange::Full}) {
            const test::Samples s = test::samples_of(convert_to(ramp, PixelFormat::NV12, mc.matrix, range));
            for (int x = 0; x < 256; ++x) {
                const double exact = range == ColorRange::Full ? x : 16 + 219.0 * x / 255;
                ASSERT_TRUE(rounds_to(s.at(0, x, 0), exact, 8)) << mc.name << " x=" << x << " Y=" << s.at(0, x, 0);
            }
            for (int x = 0; x < 128; ++x) {
                ASSERT_EQ(s.at(1, x, 0), 128) << mc.name;
                ASSERT_EQ(s.at(2, x, 0), 128) << mc.name;
            }
        }
}

// Y'CbCr -> R'G'B' over the whole limited-range luma scale plus foot/headroom: codes below
// 16 clip to 0, above 235 clip to 255; 10-bit full range maps 0..1023 onto 0..255.
TEST(ColorEquations, LimitedAndFullRangeEdgesToRgb) {
    for (const MatrixCase& mc : kMatrices) {
        Frame yuv = Frame::allocate(PixelFormat::I444, 256, 1);
        yuv.color.matrix = mc.matrix;
        yuv.color.range = ColorRange::Limited;
        for (int x = 0; x < 256; ++x) {
            yuv.data(0)[x] = static_cast<uint8_t>(x);
            yuv.data(1)[x] = 128;
            yuv.data(2)[x] = 128;
        }
        FrameConverter conv;
        const test::Samples s = test::samples_of(conv.convert(yuv, ConvertTarget{PixelFormat::RGB24, 0, 0, {}}));
        for (int x = 0; x < 256; ++x) {
            const double exact = (x - 16) * 255.0 / 219.0;
            for (int k = 0; k < 3; ++k) ASSERT_TRUE(rounds_to(s.at(k, x, 0), exact, 8)) << mc.name << " Y=" << x;
        }
        EXPECT_EQ(s.at(0, 0, 0), 0);
        EXPECT_EQ(s.at(0, 16, 0), 0);
        EXPECT_EQ(s.at(0, 235, 0), 255);
        EXPECT_EQ(s.at(0, 255, 0), 255);
    }
    Frame y10 = Frame::allocate(PixelFormat::I444_10, 1024, 1);
    y10.color.matrix = MatrixCoefficients::BT2020_NCL;
    y10.color.range = ColorRange::Full;
    const gpu::Layout l = gpu::layout_of(PixelFormat::I444_10);
    for (int x = 0; x < 1024; ++x) {
        gpu::write_sample(y10.data(0), x, l, x);
        gpu::write_sample(y10.data(1), x, l, 512);
        gpu::write_sample(y10.data(2), x, l, 512);
    }
    FrameConverter conv;
    const test::Samples s = test::samples_of(conv.convert(y10, ConvertTarget{PixelFormat::X2RGB10, 0, 0, {}}));
    for (int x = 0; x < 1024; ++x) ASSERT_EQ(s.at(1, x, 0), x);
}

// Arbitrary Y'CbCr -> R'G'B' against the inverse equations, all matrices, both ranges.
TEST(ColorEquations, RandomYuvToRgbMatchesInverseEquations) {
    for (const MatrixCase& mc : kMatrices)
        for (ColorRange range : {ColorRange::Limited, ColorRange::Full}) {
            Frame yuv = Frame::allocate(PixelFormat::I444_10, 97, 13);
            test::fill_random(yuv, 7);
            yuv.color.matrix = mc.matrix;
            yuv.color.range = range;
            FrameConverter conv;
            const Frame rgb = conv.convert(yuv, ConvertTarget{PixelFormat::X2RGB10, 0, 0, {}});
            const test::Samples in = test::samples_of(yuv), out = test::samples_of(rgb);
            const bool full = range == ColorRange::Full;
            for (int y = 0; y < 13; ++y)
                for (int x = 0; x < 97; ++x) {
                    const auto e = test::model::ycbcr_to_rgb(mc.matrix, test::model::normalise(in.at(0, x, y), 10, full, false),
                                                             test::model::normalise(in.at(1, x, y), 10, full, true),
                                                             test::model::normalise(in.at(2, x, y), 10, full, true));
                    for (int k = 0; k < 3; ++k)
                        ASSERT_TRUE(rounds_to(out.at(k, x, y), e[k] * 1023.0, 10))
                            << mc.name << " at " << x << "," << y << " comp " << k << " got " << out.at(k, x, y)
                            << " want " << e[k] * 1023.0;
                }
        }
}

}  // namespace
}  // namespace nvcast
