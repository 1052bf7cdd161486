// Lookup tables for the transcendental steps of HDR -> SDR tone mapping, and the functions that
// use them. Each function returns the table's interpolation where the input is covered and
// otherwise calls the exact function of color_math.h, so with empty tables (the C++ reference)
// it computes exactly what the plain function computes. The tables are filled with those same
// functions at their breakpoints (tone_lut_tables.cc), so between breakpoints the kernel differs
// from the reference only by linear interpolation, far below one code value
// (tests/gpu/tone_lut_test.cc measures it).
#pragma once

#include "gpu/color_math.h"
#include "gpu/log_lut.h"

namespace nvcast::gpu {

struct ToneLuts {
    LogLut pq_eotf;   // PQ: r -> r^(1/m1), the outer power of the EOTF
    LogLut hlg_ootf;  // HLG Ys -> Ys^(gamma - 1)
    LogLut curve;     // BT.2390 tone curve (the other curves are cheap and stay exact)
    LogLut display;   // inverse BT.1886 EOTF, L -> L^(1/2.4)
};

// Only the outer power is looked up. The inner E'^(1/m2) stays powf: c2 - c3 E'^(1/m2) cancels
// near E' = 1, so the float reference carries 1e-5 of rounding noise there, and the gamut matrix
// amplifies relative errors of saturated colours a thousandfold; a table of the whole EOTF could not
// follow that noise (2-code differences on random frames), the exact inner step does.
NVCAST_HD float pq_eotf_lut(const LogLut& t, float e) {
    const float r = pq_eotf_ratio(e);
    if (lut_covers(t, r)) return 10000.0f * lut_eval(t, r);
    return 10000.0f * (r == 0.0f ? 0.0f : pq_eotf_power(r));  // 0^(1/m1) is exactly 0; black is common
}

NVCAST_HD float hlg_ootf_power_lut(const LogLut& t, float ys, float exponent) {
    return lut_covers(t, ys) ? lut_eval(t, ys) : powf(ys, exponent);
}

NVCAST_HD float tone_curve_lut(const LogLut& t, const ToneParams& p, float x) {
    if (p.curve == kCurveBt2390 && lut_covers(t, x)) return lut_eval(t, x);
    return tone_curve(p, x);
}

NVCAST_HD float bt1886_inverse_eotf_lut(const LogLut& t, float l) {
    l = clamp_to(l, 0.0f, 1.0f);
    if (lut_covers(t, l)) return lut_eval(t, l);
    return l == 0.0f ? 0.0f : bt1886_inverse_eotf(l);  // 0^(1/2.4) is exactly 0; clipped black is common
}

}  // namespace nvcast::gpu
