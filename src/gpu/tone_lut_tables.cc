#include "gpu/tone_lut_tables.h"

#include <algorithm>
#include <cmath>

namespace nvcast::gpu {

namespace {

// Appends a table of fn on [2^lo, 2^hi] with 2^bits segments per octave; returns its descriptor
// (entries left null) and sets `offset` to its first entry. Each segment's cubic passes through
// fn at four floats of the segment (its ends and two points near the thirds), fitted in double.
template <typename Fn>
LogLut append_table(std::vector<LutEntry>& out, size_t& offset, int lo, int hi, int bits, Fn fn) {
    LogLut t;
    t.shift = 23 - bits;
    t.fraction_scale = std::ldexp(1.0f, -t.shift);
    t.first_bits = float_bits(std::ldexp(1.0f, lo));
    t.last_bits = float_bits(std::ldexp(1.0f, hi));
    const uint32_t segments = (t.last_bits - t.first_bits) >> t.shift;
    const uint32_t step = 1u << t.shift;
    offset = out.size();
    for (uint32_t i = 0; i < segments; ++i) {
        const uint32_t b0 = t.first_bits + i * step;
        const uint32_t b[4] = {b0, b0 + step / 3, b0 + 2 * step / 3, b0 + step};
        double s[4], v[4];  // fraction of the segment and value at each point
        for (int k = 0; k < 4; ++k) {
            s[k] = static_cast<double>(b[k] - b0) / step;
            v[k] = fn(float_from_bits(b[k]));
        }
        // Newton's divided differences, then expanded to powers of the fraction.
        double d[4] = {v[0], v[1], v[2], v[3]};
        for (int j = 1; j < 4; ++j)
            for (int k = 3; k >= j; --k) d[k] = (d[k] - d[k - 1]) / (s[k] - s[k - j]);
        double c[4] = {d[3], 0.0, 0.0, 0.0};  // Horner on the Newton form, highest degree first
        int degree = 0;
        for (int j = 2; j >= 0; --j) {  // c(t) := c(t) * (t - s[j]) + d[j]
            for (int k = degree + 1; k >= 1; --k) c[k] = c[k - 1] - s[j] * c[k];
            c[0] = d[j] - s[j] * c[0];
            ++degree;
        }
        out.push_back({static_cast<float>(v[0]), static_cast<float>(c[1]), static_cast<float>(c[2]),
                       static_cast<float>(c[3])});
    }
    out.push_back({fn(float_from_bits(t.last_bits)), 0.0f, 0.0f, 0.0f});
    return t;
}

// Smallest hi with 2^hi >= x (at least 0).
int octave_ceiling(double x) { return std::max(0, static_cast<int>(std::ceil(std::log2(std::max(x, 1.0))))); }

}  // namespace

ToneLuts HostToneLuts::view(const LutEntry* base) const {
    ToneLuts t = layout;
    LogLut* tables[4] = {&t.pq_eotf, &t.hlg_ootf, &t.curve, &t.display};
    for (int i = 0; i < 4; ++i)
        if (tables[i]->shift != 0) tables[i]->entries = base + offset[i];
    return t;
}

HostToneLuts build_tone_luts(const ConvertParams& p) {
    HostToneLuts h;
    // r runs to 1 (peak white), a little above with rounding; below 2^-20, r^(1/m1) is under
    // 1e-37, and those rare inputs take the exact function.
    if (p.transfer == kTransferPq)
        h.layout.pq_eotf = append_table(h.entries, h.offset[0], -20, 1, kPqLutBits, [](float r) { return pq_eotf_power(r); });
    else
        h.layout.hlg_ootf = append_table(h.entries, h.offset[1], -40, 0, kToneLutBits,
                                         [&](float ys) { return powf(ys, p.hlg_gamma_minus_1); });
    if (p.tone.curve == kCurveBt2390) {
        // tonemap_pixel calls the curve only for m > 1e-12 > 2^-40. Above, m is at most the largest
        // positive gamut row sum times the brightest linear light; beyond that the exact curve runs.
        double row_max = 0.0;
        for (int r = 0; r < 3; ++r) {
            double sum = 0.0;
            for (int c = 0; c < 3; ++c) sum += std::max(0.0f, p.gamut[3 * r + c]);
            row_max = std::max(row_max, sum);
        }
        const double light = p.transfer == kTransferPq ? 10000.0 : p.hlg_peak;
        h.layout.curve = append_table(h.entries, h.offset[2], -40, octave_ceiling(row_max * light), kToneLutBits,
                                      [&](float x) { return tone_curve(p.tone, x); });
    }
    h.layout.display = append_table(h.entries, h.offset[3], -40, 0, kToneLutBits,
                                    [](float l) { return bt1886_inverse_eotf(l); });
    return h;
}

}  // namespace nvcast::gpu
