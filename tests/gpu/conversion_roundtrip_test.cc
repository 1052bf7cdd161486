// Every RGB <-> YUV format pair, round trips and lossless repacking.
#include <gtest/gtest.h>

#include "colour_model.h"
#include "gpu_test_util.h"
#include "nvcast/convert.h"
#include "nvcast/quality.h"

namespace nvcast {
namespace {

const PixelFormat kRgb[] = {PixelFormat::RGB24, PixelFormat::BGRA, PixelFormat::RGBA, PixelFormat::X2RGB10};
const PixelFormat kYuv[] = {PixelFormat::NV12, PixelFormat::I420, PixelFormat::I444,
                            PixelFormat::P010, PixelFormat::I420_10, PixelFormat::I444_10};

// Random colours in flat 8x8 patches; 4:2:0 chroma interpolation only reaches a patch's
// neighbours from its outer two rows/columns, so inner pixels survive a 4:2:0 round trip.
Frame patches(PixelFormat f, int w, int h, uint32_t seed) {
    std::mt19937 rng(seed);
    const int max = test::max_code(f);
    std::vector<std::array<int, 3>> colours(static_cast<size_t>((w / 8 + 1) * (h / 8 + 1)));
    for (auto& c : colours)
        for (int& v : c) v = static_cast<int>(rng() % (max + 1));
    return test::rgb_patches(f, w, h, 8, [&](int bx, int by) { return colours[static_cast<size_t>(by * (w / 8 + 1) + bx)]; });
}

int max_inner_diff(const Frame& a, const Frame& b) {
    const test::Samples sa = test::samples_of(a), sb = test::samples_of(b);
    int worst = 0;
    for (int k = 0; k < 3; ++k)
        for (int y = 0; y < a.height(); ++y)
            for (int x = 0; x < a.width(); ++x) {
                if (x % 8 < 2 || x % 8 > 5 || y % 8 < 2 || y % 8 > 5) continue;
                worst = std::max(worst, std::abs(sa.at(k, x, y) - sb.at(k, x, y)));
            }
    return worst;
}

TEST(ConversionRoundTrip, EveryRgbYuvPairBothRangesAndMatrices) {
    for (PixelFormat rgb_format : kRgb)
        for (PixelFormat yuv_format : kYuv)
            for (MatrixCoefficients m : {MatrixCoefficients::SMPTE170M, MatrixCoefficients::BT709, MatrixCoefficients::BT2020_NCL})
                for (ColorRange range : {ColorRange::Limited, ColorRange::Full}) {
                    SCOPED_TRACE(std::string(to_string(rgb_format)) + " <-> " + std::string(to_string(yuv_format)) +
                                 " matrix " + std::to_string(static_cast<int>(m)) +
                                 (range == ColorRange::Full ? " full" : " limited"));
                    const Frame src = patches(rgb_format, 64, 48, 11);
                    FrameConverter conv;
                    ConvertTarget t{yuv_format, 0, 0, {}};
                    t.color.matrix = m;
                    t.color.range = range;
                    const Frame yuv = conv.convert(src, t);
                    EXPECT_EQ(yuv.color.matrix, m);
                    EXPECT_EQ(yuv.color.range, range);
                    const Frame back = conv.convert(yuv, ConvertTarget{rgb_format, 0, 0, {}});
                    // One step of the YUV quantiser moves R'G'B' by under 2 RGB codes at equal depth;
                    // 8-bit YUV seen from 10-bit RGB is 4x coarser; 10-bit YUV from 8-bit RGB finer.
                    const int yuv_bits = format_info(yuv_format).bit_depth;
                    const int rgb_bits = format_info(rgb_format).bit_depth;
                    const int tolerance = rgb_bits > yuv_bits ? 8 : (rgb_bits < yuv_bits ? 1 : 2);
                    EXPECT_LE(max_inner_diff(src, back), tolerance);
                }
}

TEST(ConversionRoundTrip, YuvRepackingIsLossless) {
    const std::pair<PixelFormat, PixelFormat> pairs[] = {
        {PixelFormat::NV12, PixelFormat::I420},    {PixelFormat::I420, PixelFormat::NV12},
        {PixelFormat::P010, PixelFormat::I420_10}, {PixelFormat::I420_10, PixelFormat::P010},
        {PixelFormat::NV12, PixelFormat::P010},    {PixelFormat::I420, PixelFormat::I420_10},
        {PixelFormat::I444, PixelFormat::I444_10}};
    for (auto [from, to] : pairs) {
        SCOPED_TRACE(std::string(to_string(from)) + " -> " + std::string(to_string(to)));
        Frame src = Frame::allocate(from, 70, 38);
        test::fill_random(src, 3);
        src.color = ColorDescription::bt709();
        FrameConverter conv;
        const Frame mid = conv.convert(src, ConvertTarget{to, 0, 0, {}});
        const Frame back = conv.convert(mid, ConvertTarget{from, 0, 0, {}});
        EXPECT_TRUE(frames_equal(src, back));
        // 8 -> 10 bit is an exact multiply by 4 (limited range scales are 2^(n-8) multiples)
        if (format_info(to).bit_depth == 10 && format_info(from).bit_depth == 8) {
            const test::Samples a = test::samples_of(src), b = test::samples_of(mid);
            for (int p = 0; p < 3; ++p)
                for (size_t i = 0; i < a.v[p].size(); ++i) ASSERT_EQ(a.v[p][i] * 4, b.v[p][i]);
        }
    }
}

// Matrix and range changes between YUV formats against the double model through R'G'B'.
TEST(ConversionRoundTrip, MatrixAndRangeChangeMatchesModel) {
    Frame src = Frame::allocate(PixelFormat::I444, 40, 6);
    test::fill_random(src, 5);
    src.color.matrix = MatrixCoefficients::BT709;
    src.color.range = ColorRange::Limited;
    FrameConverter conv;
    ConvertTarget t{PixelFormat::I444_10, 0, 0, {}};
    t.color.matrix = MatrixCoefficients::BT2020_NCL;
    t.color.range = ColorRange::Full;
    const Frame out = conv.convert(src, t);
    const test::Samples a = test::samples_of(src), b = test::samples_of(out);
    for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 40; ++x) {
            const auto rgb = test::model::ycbcr_to_rgb(MatrixCoefficients::BT709,
                                                       test::model::normalise(a.at(0, x, y), 8, false, false),
                                                       test::model::normalise(a.at(1, x, y), 8, false, true),
                                                       test::model::normalise(a.at(2, x, y), 8, false, true));
            const auto e = test::model::rgb_to_ycbcr(MatrixCoefficients::BT2020_NCL, rgb[0], rgb[1], rgb[2]);
            for (int k = 0; k < 3; ++k)
                ASSERT_TRUE(test::model::rounds_to(b.at(k, x, y), test::model::code_exact(e[k], 10, true, k > 0), 10))
                    << x << "," << y << " comp " << k;
        }
}

}  // namespace
}  // namespace nvcast
