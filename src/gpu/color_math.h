// Per-pixel colour arithmetic shared by the CUDA kernels and their C++ references.
// Everything here is compiled for host and device from this one source (NVCAST_HD),
// so the reference and the kernel compute the same thing in the same order.
// Formulas and constants: docs/gpu.md (BT.601/709/2020/2100, ST 2084, BT.2390).
#pragma once

#include <math.h>
#include <stdint.h>

#include "core/host_device.h"

namespace nvcast::gpu {

template <typename T>
NVCAST_HD T clamp_to(T v, T lo, T hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

// 3x3 matrix (row-major) times a column vector.
NVCAST_HD void mat3_mul(const float* m, const float (&in)[3], float (&out)[3]) {
    out[0] = m[0] * in[0] + m[1] * in[1] + m[2] * in[2];
    out[1] = m[3] * in[0] + m[4] * in[1] + m[5] * in[2];
    out[2] = m[6] * in[0] + m[7] * in[1] + m[8] * in[2];
}

// Code value -> normalised component: (code - offset) * scale.
NVCAST_HD float normalize_code(int code, float offset, float scale) {
    return (static_cast<float>(code) - offset) * scale;
}

// Normalised component -> code value: round-half-up of n * scale + offset, clamped to [0, max].
NVCAST_HD int quantize(float n, float scale, float offset, int max_code) {
    const float v = floorf(n * scale + offset + 0.5f);
    if (!(v >= 0.0f)) return 0;  // also catches NaN
    if (v > static_cast<float>(max_code)) return max_code;
    return static_cast<int>(v);
}

// ---- Transfer functions -------------------------------------------------------------------

// SMPTE ST 2084 (PQ) constants.
constexpr float kPqM1 = 2610.0f / 16384.0f;
constexpr float kPqM2 = 2523.0f / 4096.0f * 128.0f;
constexpr float kPqC1 = 3424.0f / 4096.0f;
constexpr float kPqC2 = 2413.0f / 4096.0f * 32.0f;
constexpr float kPqC3 = 2392.0f / 4096.0f * 32.0f;

// The PQ EOTF in two steps, so the kernels can look up the second (tone_lut.h):
// r = max(E'^(1/m2) - c1, 0) / (c2 - c3 E'^(1/m2)), then L = 10000 r^(1/m1).
NVCAST_HD float pq_eotf_ratio(float e) {
    e = clamp_to(e, 0.0f, 1.0f);
    const float p = powf(e, 1.0f / kPqM2);
    const float num = fmaxf(p - kPqC1, 0.0f);
    const float den = kPqC2 - kPqC3 * p;
    return num / den;
}

NVCAST_HD float pq_eotf_power(float r) { return powf(r, 1.0f / kPqM1); }

// PQ EOTF: non-linear signal E' in [0,1] -> display luminance in cd/m^2 (0..10000).
NVCAST_HD float pq_eotf(float e) { return 10000.0f * pq_eotf_power(pq_eotf_ratio(e)); }

// Inverse PQ EOTF: luminance in cd/m^2 -> E' in [0,1].
NVCAST_HD float pq_inverse_eotf(float nits) {
    const float y = clamp_to(nits / 10000.0f, 0.0f, 1.0f);
    const float p = powf(y, kPqM1);
    return powf((kPqC1 + kPqC2 * p) / (1.0f + kPqC3 * p), kPqM2);
}

// ARIB STD-B67 / BT.2100 HLG constants.
constexpr float kHlgA = 0.17883277f;
constexpr float kHlgB = 0.28466892f;  // 1 - 4a
constexpr float kHlgC = 0.55991073f;  // 0.5 - a ln(4a)

// HLG inverse OETF: E' in [0,1] -> normalised scene light E in [0,1].
NVCAST_HD float hlg_inverse_oetf(float e) {
    e = clamp_to(e, 0.0f, 1.0f);
    if (e <= 0.5f) return e * e / 3.0f;
    return (expf((e - kHlgC) / kHlgA) + kHlgB) / 12.0f;
}

// BT.709 OETF (also BT.2020 10-bit): linear L in [0,1] -> V in [0,1].
NVCAST_HD float bt709_oetf(float l) {
    l = clamp_to(l, 0.0f, 1.0f);
    if (l < 0.018053968f) return 4.5f * l;
    return 1.099296826f * powf(l, 0.45f) - 0.099296826f;
}

// Inverse BT.1886 EOTF with black level 0: display light L in [0,1] -> V = L^(1/2.4). Tone-mapped
// light is display-referred, so the SDR signal is the one a BT.1886 display turns back into L.
NVCAST_HD float bt1886_inverse_eotf(float l) {
    l = clamp_to(l, 0.0f, 1.0f);
    return powf(l, 1.0f / 2.4f);
}

// ---- Tone curves on a luminance-like signal in units of the target peak -----------------------
// `x` is the brightest component (max R,G,B) of linear display light divided by the target peak.

enum : int { kCurveNone = 0, kCurveBt2390 = 1, kCurveHable = 2, kCurveReinhard = 3, kCurveClip = 4 };

// Hable's filmic curve (J. Hable, "Filmic tonemapping operators", 2010): A..F published constants.
NVCAST_HD float hable_raw(float x) {
    const float a = 0.15f, b = 0.50f, c = 0.10f, d = 0.20f, e = 0.02f, f = 0.30f;
    return (x * (x * a + c * b) + d * e) / (x * (x * a + b) + d * f) - e / f;
}

struct ToneParams {
    int curve = kCurveNone;
    float peak = 10.0f;          // source peak / target peak
    float target_nits = 100.0f;  // target peak in cd/m^2
    float hable_white = 1.0f;    // hable_raw(peak)
    float reinhard_k = 0.5f;
    // BT.2390 EETF in the PQ domain (Lb = 0, Lmin = 0): source peak's PQ value, knee start KS, max luminance.
    float pq_source_peak = 0.75f;
    float eetf_ks = 0.5f;
    float eetf_max_lum = 0.5f;
};

// BT.2390 EETF on normalised PQ E1 in [0,1] (E1 = PQ(L) / PQ(Lw)); returns E2.
NVCAST_HD float bt2390_eetf(float e1, float ks, float max_lum) {
    e1 = clamp_to(e1, 0.0f, 1.0f);
    if (e1 < ks) return e1;
    const float t = (e1 - ks) / (1.0f - ks);
    const float t2 = t * t, t3 = t2 * t;
    return (2.0f * t3 - 3.0f * t2 + 1.0f) * ks + (t3 - 2.0f * t2 + t) * (1.0f - ks) +
           (-2.0f * t3 + 3.0f * t2) * max_lum;
}

NVCAST_HD float tone_curve(const ToneParams& p, float x) {
    switch (p.curve) {
        case kCurveBt2390: {
            const float e1 = pq_inverse_eotf(x * p.target_nits) / p.pq_source_peak;
            const float e2 = bt2390_eetf(e1, p.eetf_ks, p.eetf_max_lum);
            return pq_eotf(e2 * p.pq_source_peak) / p.target_nits;
        }
        case kCurveHable: return hable_raw(fminf(x, p.peak)) / p.hable_white;
        case kCurveReinhard: return x / (x + p.reinhard_k) * (p.peak + p.reinhard_k) / p.peak;
        case kCurveClip: return fminf(x, 1.0f);
        default: return x;
    }
}

}  // namespace nvcast::gpu
