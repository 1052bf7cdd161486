// HDR -> SDR references: PQ and HLG at published reference points, the BT.2390 EETF,
// the BT.2020 -> BT.709 gamut matrix, and whole frames against a double-precision model.
#include <gtest/gtest.h>

#include <cmath>

#include "colour_model.h"
#include "gpu/color_math.h"
#include "gpu/convert_params.h"
#include "gpu_test_util.h"
#include "nvcast/convert.h"

namespace nvcast {
namespace {

// ST 2084 / BT.2408: 100 cd/m^2 -> 0.5081, 203 cd/m^2 (HDR reference white) -> 0.58, 1000 -> 0.7518.
TEST(TransferFunctions, PqAtReferencePoints) {
    EXPECT_NEAR(gpu::pq_inverse_eotf(100.0f), 0.5081f, 5e-4);
    EXPECT_NEAR(gpu::pq_inverse_eotf(203.0f), 0.5807f, 1e-3);
    EXPECT_NEAR(gpu::pq_inverse_eotf(1000.0f), 0.7518f, 5e-4);
    EXPECT_NEAR(gpu::pq_inverse_eotf(10000.0f), 1.0f, 1e-6);
    EXPECT_NEAR(gpu::pq_eotf(1.0f), 10000.0f, 0.05f);
    EXPECT_NEAR(gpu::pq_eotf(0.0f), 0.0f, 1e-6);
    for (double e = 0.05; e < 1.0; e += 0.05) {
        const double want = test::model::pq_eotf(e);
        EXPECT_NEAR(gpu::pq_eotf(static_cast<float>(e)), want, want * 2e-4 + 1e-5) << e;
        EXPECT_NEAR(gpu::pq_inverse_eotf(static_cast<float>(want)), e, 2e-5);
    }
}

// BT.2100 HLG: E' = 0.5 is E = 1/12; 75% signal is HDR reference white, 203 cd/m^2 on a 1000 cd/m^2
// display (BT.2408), via the OOTF Fd = Lw * E^1.2 for grey.
TEST(TransferFunctions, HlgAtReferencePoints) {
    EXPECT_NEAR(gpu::hlg_inverse_oetf(0.5f), 1.0f / 12.0f, 1e-7);
    EXPECT_NEAR(gpu::hlg_inverse_oetf(1.0f), 1.0f, 1e-5);
    EXPECT_NEAR(1000.0 * std::pow(gpu::hlg_inverse_oetf(0.75f), 1.2), 203.0, 1.0);
    for (double e = 0.01; e <= 1.0; e += 0.03)
        EXPECT_NEAR(gpu::hlg_inverse_oetf(static_cast<float>(test::model::hlg_oetf(e))), e, 2e-6 + e * 2e-6);
}

TEST(TransferFunctions, Bt709Oetf) {
    for (double l = 0.0; l <= 1.0; l += 0.01) EXPECT_NEAR(gpu::bt709_oetf(static_cast<float>(l)), test::model::bt709_oetf(l), 2e-6);
    EXPECT_NEAR(gpu::bt709_oetf(1.0f), 1.0f, 1e-6);
}

// BT.2087: linear BT.2020 -> BT.709 RGB.
TEST(Gamut, Bt2020ToBt709MatchesBt2087) {
    const double want[9] = {1.6605, -0.5876, -0.0728, -0.1246, 1.1329, -0.0083, -0.0182, -0.1006, 1.1187};
    double m[9];
    gpu::bt2020_to_bt709_matrix(m);
    for (int i = 0; i < 9; ++i) EXPECT_NEAR(m[i], want[i], 1e-4) << i;
    for (int r = 0; r < 3; ++r) EXPECT_NEAR(m[3 * r] + m[3 * r + 1] + m[3 * r + 2], 1.0, 1e-9);  // white stays white
}

// BT.2390 EETF, written independently in double.
double eetf_model(double e1, double max_lum) {
    const double ks = 1.5 * max_lum - 0.5;
    if (e1 < ks) return e1;
    const double t = (e1 - ks) / (1 - ks);
    return (2 * t * t * t - 3 * t * t + 1) * ks + (t * t * t - 2 * t * t + t) * (1 - ks) + (-2 * t * t * t + 3 * t * t) * max_lum;
}

TEST(ToneCurves, Bt2390EetfShape) {
    ToneMapOptions o;
    o.curve = ToneCurve::Bt2390;
    o.source_peak_nits = 1000;
    o.target_peak_nits = 100;
    const gpu::ToneParams p = gpu::make_tone_params(o);
    const double max_lum = test::model::pq_inverse(100) / test::model::pq_inverse(1000);
    EXPECT_NEAR(p.eetf_max_lum, max_lum, 1e-5);
    EXPECT_NEAR(p.eetf_ks, 1.5 * max_lum - 0.5, 1e-5);
    float prev = -1;
    for (double e1 = 0; e1 <= 1.0; e1 += 0.01) {
        const float e2 = gpu::bt2390_eetf(static_cast<float>(e1), p.eetf_ks, p.eetf_max_lum);
        EXPECT_NEAR(e2, eetf_model(e1, max_lum), 1e-5);  // float parameters
        EXPECT_GE(e2, prev);  // monotonic
        prev = e2;
    }
    EXPECT_NEAR(gpu::bt2390_eetf(1.0f, p.eetf_ks, p.eetf_max_lum), max_lum, 1e-5);  // peak -> target peak
    // in nits: source peak lands on the target peak; dark values pass unchanged
    EXPECT_NEAR(gpu::tone_curve(p, 10.0f), 1.0f, 1e-3);
    EXPECT_NEAR(gpu::tone_curve(p, 0.05f), 0.05f, 1e-4);
}

// The tone curves of docs/gpu.md in double precision; x and the result in units of the target peak.
double curve_model(ToneCurve c, double x, double peak, double k) {
    auto hable = [](double v) {
        const double a = 0.15, b = 0.50, cc = 0.10, d = 0.20, e = 0.02, f = 0.30;
        return (v * (a * v + cc * b) + d * e) / (v * (a * v + b) + d * f) - e / f;
    };
    switch (c) {
        case ToneCurve::Clip: return std::fmin(x, 1.0);
        case ToneCurve::Reinhard: return x / (x + k) * (peak + k) / peak;
        case ToneCurve::Hable: return hable(std::fmin(x, peak)) / hable(peak);
        case ToneCurve::Bt2390: {
            const double e1 = test::model::pq_inverse(x * 100) / test::model::pq_inverse(peak * 100);
            return test::model::pq_eotf(eetf_model(std::fmin(e1, 1.0), test::model::pq_inverse(100) / test::model::pq_inverse(peak * 100)) *
                                        test::model::pq_inverse(peak * 100)) / 100;
        }
        default: return x;
    }
}

// Grey PQ and HLG ramps through every curve: Y' of the SDR output against the model
// (PQ decode -> curve -> inverse BT.1886 EOTF -> limited-range 8-bit), chroma neutral.
TEST(ToneMapping, GreyRampsFollowTheCurves) {
    for (auto transfer : {TransferCharacteristics::PQ, TransferCharacteristics::HLG})
        for (ToneCurve curve : {ToneCurve::Bt2390, ToneCurve::Hable, ToneCurve::Reinhard, ToneCurve::Clip}) {
            Frame hdr = Frame::allocate(PixelFormat::P010, 880, 2);
            hdr.color = {ColorPrimaries::BT2020, transfer, MatrixCoefficients::BT2020_NCL, ColorRange::Limited};
            const gpu::Layout l = gpu::layout_of(PixelFormat::P010);
            for (int y = 0; y < 2; ++y)
                for (int x = 0; x < 880; ++x) gpu::write_sample(hdr.data(0) + static_cast<size_t>(y) * hdr.pitch(0), x, l, 64 + x);
            gpu::PlaneSet ps;
            ps.data[1] = hdr.data(1);
            ps.pitch[1] = hdr.pitch(1);
            for (int x = 0; x < 440; ++x) gpu::write_chroma(ps, l, x, 0, 512, 512);
            ConvertOptions o;
            o.tonemap.curve = curve;
            o.tonemap.source_peak_nits = 1000;
            FrameConverter conv(o);
            const Frame sdr = conv.convert(hdr, ConvertTarget{PixelFormat::NV12, 0, 0, {}});
            EXPECT_EQ(sdr.color.transfer, TransferCharacteristics::BT709);
            EXPECT_EQ(sdr.color.primaries, ColorPrimaries::BT709);
            const test::Samples s = test::samples_of(sdr);
            for (int x = 0; x < 880; ++x) {
                const double e = x / 876.0;
                const double nits = transfer == TransferCharacteristics::PQ
                                        ? test::model::pq_eotf(std::fmin(e, 1.0))
                                        : 1000.0 * std::pow(std::fmin(e, 1.0) <= 0.5 ? e * e / 3
                                                                                      : (std::exp((e - 0.55991073) / 0.17883277) + 0.28466892) / 12,
                                                            1.2);
                const double out = curve_model(curve, nits / 100.0, 10.0, 0.5);
                const double want = 16 + 219 * std::pow(std::fmin(std::fmax(out, 0.0), 1.0), 1 / 2.4);  // inverse BT.1886
                ASSERT_NEAR(s.at(0, x, 0), want, 0.5 + 0.02)
                    << to_string(curve) << (transfer == TransferCharacteristics::PQ ? " pq" : " hlg") << " code " << 64 + x;
            }
            for (int x = 0; x < 440; ++x) {
                ASSERT_EQ(s.at(1, x, 0), 128);
                ASSERT_EQ(s.at(2, x, 0), 128);
            }
        }
}

TEST(ToneMapping, CurvesAreMonotonicAndMapPeakToWhite) {
    for (ToneCurve curve : {ToneCurve::Bt2390, ToneCurve::Hable, ToneCurve::Reinhard}) {
        ToneMapOptions o;
        o.curve = curve;
        o.source_peak_nits = 4000;
        const gpu::ToneParams p = gpu::make_tone_params(o);
        float prev = 0;
        for (float x = 0.01f; x <= 40.0f; x += 0.01f) {
            const float y = gpu::tone_curve(p, x);
            // float noise of the PQ round trip on the flat top: 1e-4 is far below one 8-bit code
            ASSERT_GE(y, prev - 1e-4f) << to_string(curve) << " x=" << x;
            prev = y;
        }
        EXPECT_NEAR(gpu::tone_curve(p, 40.0f), 1.0f, 2e-3) << to_string(curve);
    }
}

}  // namespace
}  // namespace nvcast
