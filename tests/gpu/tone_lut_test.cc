// The tone-mapping lookup tables (tone_lut.h) that the kernels use instead of powf, against the
// exact functions of the C++ reference, on the CPU: every table at and between its breakpoints, and
// whole frames converted with and without the tables (the frames and settings of the GPU test).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "gpu/convert_params.h"
#include "gpu/reference.h"
#include "gpu/tone_lut_tables.h"
#include "gpu_test_util.h"
#include "nvcast/convert.h"

namespace nvcast {
namespace {

gpu::ConvertParams hdr_params(PixelFormat from, TransferCharacteristics transfer, ToneCurve curve, double peak,
                              PixelFormat to) {
    ToneMapOptions o;
    o.curve = curve;
    o.source_peak_nits = peak;
    const ColorDescription src{ColorPrimaries::BT2020, transfer, MatrixCoefficients::BT2020_NCL, ColorRange::Limited};
    ColorDescription dst{ColorPrimaries::BT709, TransferCharacteristics::BT709, MatrixCoefficients::BT709,
                         ColorRange::Limited};
    if (!gpu::is_yuv(to)) {
        dst.matrix = MatrixCoefficients::RGB;
        dst.range = ColorRange::Full;
    }
    return gpu::make_convert_params(from, gpu::resolve_input_color(from, src), to, dst, o);
}

// Largest |table - exact| / max(|exact|, floor) over every breakpoint and 7 points inside each segment.
template <typename Exact>
double worst_relative_error(const gpu::LogLut& t, Exact exact, double floor) {
    double worst = 0.0;
    for (uint32_t b = t.first_bits; b <= t.last_bits; b += (1u << t.shift) / 8) {
        const float x = gpu::float_from_bits(b);
        const double want = exact(x);
        worst = std::max(worst, std::fabs(gpu::lut_eval(t, x) - want) / std::max(std::fabs(want), floor));
    }
    return worst;
}

// Between breakpoints the tables are about as close to the exact float functions as powf's rounding.
TEST(ToneLut, TablesFollowTheExactFunctions) {
    for (auto transfer : {TransferCharacteristics::PQ, TransferCharacteristics::HLG}) {
        const gpu::ConvertParams p = hdr_params(PixelFormat::P010, transfer, ToneCurve::Bt2390, 1000, PixelFormat::NV12);
        const gpu::HostToneLuts h = gpu::build_tone_luts(p);
        const gpu::ToneLuts t = h.view(h.entries.data());
        if (transfer == TransferCharacteristics::PQ) {
            EXPECT_LT(worst_relative_error(t.pq_eotf, [](float r) { return gpu::pq_eotf_power(r); }, 0.0), 2e-7);
        } else {
            EXPECT_LT(worst_relative_error(t.hlg_ootf, [&](float ys) { return powf(ys, p.hlg_gamma_minus_1); }, 0.0), 1e-6);
        }
        // the curve has kinks (C1 only) at the knee and at the source peak: 1e-4 of gain is 0.01 code
        EXPECT_LT(worst_relative_error(t.curve, [&](float x) { return gpu::tone_curve(p.tone, x); }, 0.0), 2e-4);
        EXPECT_LT(worst_relative_error(t.display, [](float l) { return gpu::bt1886_inverse_eotf(l); }, 0.0), 1e-6);
    }
}

// At a breakpoint the table returns the exact function's value; outside, the exact function runs.
TEST(ToneLut, BreakpointsAndOutsideAreExact) {
    const gpu::ConvertParams p = hdr_params(PixelFormat::P010, TransferCharacteristics::PQ, ToneCurve::Bt2390, 1000, PixelFormat::NV12);
    const gpu::HostToneLuts h = gpu::build_tone_luts(p);
    const gpu::ToneLuts t = h.view(h.entries.data());
    for (float e : {0.0f, -0.5f, 1e-7f, 0.25f, 0.5f, 1.0f, 1.5f}) EXPECT_EQ(gpu::pq_eotf_lut(t.pq_eotf, e), gpu::pq_eotf(e)) << e;
    for (float l : {0.0f, -1.0f, 1e-13f, 0.125f, 1.0f, 2.0f})
        EXPECT_EQ(gpu::bt1886_inverse_eotf_lut(t.display, l), gpu::bt1886_inverse_eotf(l)) << l;
    for (float x : {0.5f, 4.0f, 1e6f}) EXPECT_EQ(gpu::tone_curve_lut(t.curve, p.tone, x), gpu::tone_curve(p.tone, x)) << x;
    const gpu::ToneLuts empty{};
    for (float e = 0.0f; e <= 1.0f; e += 0.001f) EXPECT_EQ(gpu::pq_eotf_lut(empty.pq_eotf, e), gpu::pq_eotf(e));
}

// The GPU test's tone-mapping frames, converted by the reference with and without the tables.
TEST(ToneLut, FramesMatchTheReferenceWithinOneCode) {
    int worst = 0;
    long differing = 0, total = 0;
    for (PixelFormat from : {PixelFormat::P010, PixelFormat::I420_10, PixelFormat::I444_10, PixelFormat::X2RGB10})
        for (auto transfer : {TransferCharacteristics::PQ, TransferCharacteristics::HLG})
            for (ToneCurve curve : {ToneCurve::Bt2390, ToneCurve::Hable, ToneCurve::Reinhard, ToneCurve::Clip})
                for (PixelFormat to : {PixelFormat::NV12, PixelFormat::BGRA, PixelFormat::I444}) {
                    Frame in = Frame::allocate(from, 640, 360);
                    test::fill_random(in, 77);
                    const double peak = transfer == TransferCharacteristics::PQ ? 4000 : 1000;
                    const gpu::ConvertParams exact = hdr_params(from, transfer, curve, peak, to);
                    const gpu::HostToneLuts h = gpu::build_tone_luts(exact);
                    gpu::ConvertParams tabled = exact;
                    tabled.luts = h.view(h.entries.data());
                    Frame a = Frame::allocate(to, 640, 360), b = Frame::allocate(to, 640, 360);
                    gpu::PlaneSet s, da, db;
                    for (int q = 0; q < in.plane_count(); ++q) {
                        s.data[q] = in.data(q);
                        s.pitch[q] = in.pitch(q);
                    }
                    for (int q = 0; q < a.plane_count(); ++q) {
                        da.data[q] = a.data(q);
                        da.pitch[q] = a.pitch(q);
                        db.data[q] = b.data(q);
                        db.pitch[q] = b.pitch(q);
                    }
                    s.width = da.width = db.width = 640;
                    s.height = da.height = db.height = 360;
                    s.format = from;
                    da.format = db.format = to;
                    gpu::convert_reference(s, da, exact, 1);
                    gpu::convert_reference(s, db, tabled, 1);
                    const test::Samples sa = test::samples_of(a), sb = test::samples_of(b);
                    int frame_worst = 0;
                    for (int q = 0; q < 3; ++q)
                        for (size_t i = 0; i < sa.v[q].size(); ++i) {
                            const int d = std::abs(sa.v[q][i] - sb.v[q][i]);
                            frame_worst = std::max(frame_worst, d);
                            differing += d != 0;
                            ++total;
                        }
                    worst = std::max(worst, frame_worst);
                    EXPECT_LE(frame_worst, 1) << to_string(from) << " " << " curve " << static_cast<int>(curve) << " -> " << to_string(to);
                }
    std::printf("[ tone lut ] 96 frames: max |tables - exact| = %d code, %ld of %ld samples differ\n", worst, differing, total);
}

}  // namespace
}  // namespace nvcast
