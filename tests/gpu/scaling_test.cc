// Scaling references: filter tables, flat fields, exact area averages, ramps and anti-aliasing.
#include <gtest/gtest.h>

#include <cmath>

#include "gpu/scale_filter.h"
#include "gpu_test_util.h"
#include "nvcast/convert.h"

namespace nvcast {
namespace {

const PixelFormat kPlanar[] = {PixelFormat::NV12, PixelFormat::I420, PixelFormat::I444,
                               PixelFormat::P010, PixelFormat::I420_10, PixelFormat::I444_10};
const ScaleFilter kFilters[] = {ScaleFilter::Bilinear, ScaleFilter::Bicubic, ScaleFilter::Area};

Frame scale(const Frame& in, int w, int h, ScaleFilter filter) {
    ConvertOptions o;
    o.filter = filter;
    FrameConverter conv(o);
    return conv.convert(in, ConvertTarget{in.format(), w, h, {}});
}

TEST(ScaleFilterTable, RowsSumToOneAndStayNearTheirCentre) {
    for (ScaleFilter f : kFilters)
        for (auto [in, out] : {std::pair{1920, 1280}, {1280, 1920}, {3840, 1920}, {7680, 1920}, {5, 3}, {3, 7}}) {
            const gpu::HostFilterTable t = gpu::make_filter_table(in, out, f);
            ASSERT_EQ(t.start.size(), static_cast<size_t>(out));
            for (int o = 0; o < out; ++o) {
                double sum = 0;
                for (int i = 0; i < t.taps; ++i) sum += t.weights[static_cast<size_t>(o) * t.taps + i];
                ASSERT_NEAR(sum, 1.0, 1e-5) << to_string(f) << " " << in << "->" << out << " o=" << o;
                const double centre = (o + 0.5) * in / out - 0.5;
                ASSERT_LE(t.start[static_cast<size_t>(o)], centre + 1);
                ASSERT_GE(t.start[static_cast<size_t>(o)] + t.taps, centre);
            }
        }
    // Catmull-Rom is interpolating: 1 at 0, 0 at the other integers.
    EXPECT_DOUBLE_EQ(gpu::bicubic_kernel(0), 1.0);
    EXPECT_DOUBLE_EQ(gpu::bicubic_kernel(1), 0.0);
    EXPECT_DOUBLE_EQ(gpu::bicubic_kernel(2), 0.0);
    EXPECT_NEAR(gpu::bicubic_kernel(0.5), 0.5625, 1e-12);  // (-1 + 9 + 9 - 1) / 16 for a=-0.5
}

// The kernels load one block of output rows from start[first row] on: a row whose taps began
// earlier would read before the loaded rows (seen once for 1080 -> 2040, where an interpolating
// row dropped a leading zero weight).
TEST(ScaleFilterTable, StartsNeverGoBackSoABlockOfRowsCoversItsTaps) {
    for (ScaleFilter f : kFilters)
        for (auto [in, out] : {std::pair{1080, 2040}, {1080, 2160}, {540, 1080}, {720, 1080}, {1920, 1280},
                               {3840, 1920}, {1366, 684}, {3, 7}, {2, 9}}) {
            const gpu::HostFilterTable t = gpu::make_filter_table(in, out, f);
            const int span = gpu::group_rows_span(t);
            for (int o = 1; o < out; ++o)
                ASSERT_GE(t.start[static_cast<size_t>(o)], t.start[static_cast<size_t>(o - 1)])
                    << to_string(f) << " " << in << "->" << out << " o=" << o;
            for (int o = 0; o < out; ++o) {
                const int first_row = o / gpu::kScaleBlockRows * gpu::kScaleBlockRows;
                ASSERT_LE(t.start[static_cast<size_t>(o)] + t.taps - t.start[static_cast<size_t>(first_row)], span)
                    << to_string(f) << " " << in << "->" << out << " o=" << o;
            }
        }
}

TEST(Scaling, FlatFieldsStayFlatInEveryFormatAndFilter) {
    for (PixelFormat f : kPlanar)
        for (ScaleFilter filter : kFilters) {
            Frame in = Frame::allocate(f, 64, 36);
            const gpu::Layout l = gpu::layout_of(f);
            const int vals[3] = {l.depth == 10 ? 700 : 180, l.depth == 10 ? 300 : 70, l.depth == 10 ? 1000 : 250};
            gpu::PlaneSet ps;
            for (int p = 0; p < in.plane_count(); ++p) {
                ps.data[p] = in.data(p);
                ps.pitch[p] = in.pitch(p);
            }
            for (int y = 0; y < 36; ++y)
                for (int x = 0; x < 64; ++x) gpu::write_sample(in.data(0) + static_cast<size_t>(y) * in.pitch(0), x, l, vals[0]);
            for (int y = 0; y < 36 >> l.shift_y; ++y)
                for (int x = 0; x < 64 >> l.shift_x; ++x) gpu::write_chroma(ps, l, x, y, vals[1], vals[2]);
            for (auto [w, h] : {std::pair{128, 72}, {30, 18}, {50, 22}}) {
                const test::Samples s = test::samples_of(scale(in, w, h, filter));
                for (int p = 0; p < 3; ++p)
                    for (int v : s.v[p]) ASSERT_EQ(v, vals[p]) << to_string(f) << " " << to_string(filter) << " " << w;
            }
        }
}

// Area downscaling by 2 is the rounded mean of each 2x2 block (computed here independently).
TEST(Scaling, AreaHalvingIsTheBlockMean) {
    for (PixelFormat f : {PixelFormat::I420, PixelFormat::NV12, PixelFormat::P010, PixelFormat::I444_10}) {
        Frame in = Frame::allocate(f, 96, 64);
        test::fill_random(in, 9);
        const Frame out = scale(in, 48, 32, ScaleFilter::Area);
        const test::Samples a = test::samples_of(in), b = test::samples_of(out);
        for (int p = 0; p < 3; ++p)
            for (int y = 0; y < b.h[p]; ++y)
                for (int x = 0; x < b.w[p]; ++x) {
                    const int sum = a.at(p, 2 * x, 2 * y) + a.at(p, 2 * x + 1, 2 * y) + a.at(p, 2 * x, 2 * y + 1) +
                                    a.at(p, 2 * x + 1, 2 * y + 1);
                    const double mean = sum / 4.0;
                    const int got = b.at(p, x, y);
                    // ties (.5) may round either way in float; everything else must be the rounded mean
                    if (sum % 4 == 2)
                        ASSERT_TRUE(got == sum / 4 || got == sum / 4 + 1);
                    else
                        ASSERT_EQ(got, static_cast<int>(std::floor(mean + 0.5))) << to_string(f) << " p" << p;
                }
    }
}

// Linear filters reproduce a linear ramp exactly away from the edges (bicubic too: Catmull-Rom
// reproduces linear functions).
TEST(Scaling, UpscaledRampStaysLinear) {
    Frame in = Frame::allocate(PixelFormat::I444_10, 128, 8);
    const gpu::Layout l = gpu::layout_of(PixelFormat::I444_10);
    for (int p = 0; p < 3; ++p)
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 128; ++x) gpu::write_sample(in.data(p) + static_cast<size_t>(y) * in.pitch(p), x, l, 8 * x);
    for (ScaleFilter filter : {ScaleFilter::Bilinear, ScaleFilter::Bicubic}) {
        const test::Samples s = test::samples_of(scale(in, 320, 8, filter));
        for (int x = 8; x < 312; ++x) {
            const double pos = (x + 0.5) * 128.0 / 320.0 - 0.5;
            ASSERT_NEAR(s.at(0, x, 3), 8 * pos, 0.5001) << to_string(filter) << " x=" << x;
        }
    }
}

// A one-pixel checkerboard (Nyquist) must not alias into a pattern when halved: every filter
// averages it towards mid-grey, where point sampling would return pure black or white.
TEST(Scaling, DownscaleDoesNotAlias) {
    Frame in = Frame::allocate(PixelFormat::I420, 256, 128);
    for (int y = 0; y < 128; ++y)
        for (int x = 0; x < 256; ++x) in.data(0)[static_cast<size_t>(y) * in.pitch(0) + x] = ((x + y) & 1) ? 235 : 16;
    for (ScaleFilter filter : kFilters)
        for (auto [w, h] : {std::pair{128, 64}, {100, 50}, {64, 32}}) {
            const test::Samples s = test::samples_of(scale(in, w, h, filter));
            for (int y = 1; y < h - 1; ++y)
                for (int x = 1; x < w - 1; ++x)
                    ASSERT_NEAR(s.at(0, x, y), 125.5, filter == ScaleFilter::Area && w == 100 ? 23 : 6)
                        << to_string(filter) << " " << w << " at " << x << "," << y;
        }
}

}  // namespace
}  // namespace nvcast
