// Piecewise-cubic lookup tables indexed by the bits of a positive float: each octave
// [2^e, 2^(e+1)) is split into 2^bits equal segments, so the spacing is relative and a power-like
// curve (PQ, gamma) has the same small relative error from 1e-12 to 1. Cubic, not linear: the PQ
// EOTF feeds the gamut matrix, whose cancellations for saturated colours amplify any relative error
// a thousandfold, so the table must be as accurate as powf itself (about 1e-7). The tone-mapping kernel uses
// them instead of powf; inputs outside a table fall back to the exact function (see tone_lut.h).
#pragma once

#include <stdint.h>
#include <string.h>

#include "gpu/color_math.h"

namespace nvcast::gpu {

// Segment i as a cubic in the fraction t in [0, 1): c0 + t (c1 + t (c2 + t c3)), c0 = f(x_i);
// one 16-byte load.
struct alignas(16) LutEntry {
    float c0, c1, c2, c3;
};

struct LogLut {
    const LutEntry* entries = nullptr;  // segments + 1 entries; the last one is constant
    uint32_t first_bits = 0;            // float bits of the first breakpoint, 2^lo
    uint32_t last_bits = 0;             // float bits of the last breakpoint, 2^hi
    int shift = 0;                      // 23 - bits per octave: mantissa bits inside a segment
    float fraction_scale = 0.0f;        // 2^-shift
};

NVCAST_HD uint32_t float_bits(float x) {
#if defined(__CUDA_ARCH__)
    return __float_as_uint(x);
#else
    uint32_t b;
    memcpy(&b, &x, 4);
    return b;
#endif
}

NVCAST_HD float float_from_bits(uint32_t b) {
#if defined(__CUDA_ARCH__)
    return __uint_as_float(b);
#else
    float x;
    memcpy(&x, &b, 4);
    return x;
#endif
}

// True for 2^lo <= x <= 2^hi; false for smaller, negative, NaN and larger values (positive floats
// order like their bits, and the sign bit makes negatives and -NaN compare above last_bits).
NVCAST_HD bool lut_covers(const LogLut& t, float x) {
    const uint32_t b = float_bits(x);
    return t.entries != nullptr && b >= t.first_bits && b <= t.last_bits;
}

// The cubic of x's segment at x; x must be covered. Within an octave the breakpoints are evenly
// spaced, so the low mantissa bits are exactly the fraction of the segment.
NVCAST_HD float lut_eval(const LogLut& t, float x) {
    const uint32_t rel = float_bits(x) - t.first_bits;
    const uint32_t i = rel >> t.shift;
    const float f = static_cast<float>(rel & ((1u << t.shift) - 1u)) * t.fraction_scale;
#if defined(__CUDA_ARCH__)
    const float4 e = __ldg(reinterpret_cast<const float4*>(t.entries + i));
    return e.x + f * (e.y + f * (e.z + f * e.w));
#else
    const LutEntry e = t.entries[i];
    return e.c0 + f * (e.c1 + f * (e.c2 + f * e.c3));
#endif
}

}  // namespace nvcast::gpu
