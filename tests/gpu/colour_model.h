// An independent double-precision model of the BT.601/709/2020 equations, written from the
// standards for the tests (it shares no code with src/gpu).
#pragma once

#include <array>
#include <cmath>

#include "nvcast/frame.h"

namespace nvcast::test::model {

struct Coeffs {
    double kr, kb;
};

inline Coeffs coeffs(MatrixCoefficients m) {
    switch (m) {
        case MatrixCoefficients::BT709: return {0.2126, 0.0722};        // BT.709-6 item 3.2
        case MatrixCoefficients::BT2020_NCL: return {0.2627, 0.0593};   // BT.2020-2 table 4
        default: return {0.299, 0.114};                                 // BT.601-7 item 2.5.1
    }
}

// R'G'B' in [0,1] -> Y' in [0,1], Cb/Cr in [-0.5, 0.5].
inline std::array<double, 3> rgb_to_ycbcr(MatrixCoefficients m, double r, double g, double b) {
    const Coeffs c = coeffs(m);
    const double y = c.kr * r + (1 - c.kr - c.kb) * g + c.kb * b;
    return {y, (b - y) / (2 * (1 - c.kb)), (r - y) / (2 * (1 - c.kr))};
}

inline std::array<double, 3> ycbcr_to_rgb(MatrixCoefficients m, double y, double cb, double cr) {
    const Coeffs c = coeffs(m);
    const double r = y + 2 * (1 - c.kr) * cr;
    const double b = y + 2 * (1 - c.kb) * cb;
    const double g = (y - c.kr * r - c.kb * b) / (1 - c.kr - c.kb);
    return {r, g, b};
}

// Quantisation (BT.2100 table 9 / BT.709 item 4.6): limited D = round((219 E + 16) 2^(n-8)),
// chroma round((224 E + 128) 2^(n-8)); full D = round((2^n - 1) E) (+ 2^(n-1) for chroma).
inline double code_exact(double e, int bits, bool full, bool chroma) {
    const double step = std::ldexp(1.0, bits - 8);
    if (full) return (std::ldexp(1.0, bits) - 1) * e + (chroma ? std::ldexp(1.0, bits - 1) : 0.0);
    return (chroma ? 224.0 * e + 128.0 : 219.0 * e + 16.0) * step;
}
inline double normalise(int code, int bits, bool full, bool chroma) {
    const double step = std::ldexp(1.0, bits - 8);
    if (full) return (code - (chroma ? std::ldexp(1.0, bits - 1) : 0.0)) / (std::ldexp(1.0, bits) - 1);
    return (code / step - (chroma ? 128.0 : 16.0)) / (chroma ? 224.0 : 219.0);
}
inline int clip_round(double v, int bits) {
    const double max = std::ldexp(1.0, bits) - 1;
    return static_cast<int>(std::floor(std::fmin(std::fmax(v, 0.0), max) + 0.5));
}

// True when `got` is the correctly rounded `exact`, allowing the neighbour only within
// 1e-3 of a rounding boundary (where float and double arithmetic may round differently).
inline bool rounds_to(int got, double exact, int bits) {
    const double max = std::ldexp(1.0, bits) - 1;
    const double e = std::fmin(std::fmax(exact, 0.0), max);
    if (got == clip_round(e, bits)) return true;
    const double frac = e - std::floor(e);
    return std::fabs(frac - 0.5) < 1e-3 && std::abs(got - clip_round(e, bits)) == 1;
}

// ST 2084 EOTF and its inverse, in cd/m^2.
inline double pq_eotf(double e) {
    const double m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128, c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32,
                 c3 = 2392.0 / 4096 * 32;
    const double p = std::pow(e, 1 / m2);
    return 10000 * std::pow(std::fmax(p - c1, 0.0) / (c2 - c3 * p), 1 / m1);
}
inline double pq_inverse(double nits) {
    const double m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128, c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32,
                 c3 = 2392.0 / 4096 * 32;
    const double y = std::pow(nits / 10000, m1);
    return std::pow((c1 + c2 * y) / (1 + c3 * y), m2);
}

// BT.2100 HLG OETF (scene light E in [0,1] -> E').
inline double hlg_oetf(double e) {
    const double a = 0.17883277, b = 1 - 4 * a, c = 0.5 - a * std::log(4 * a);
    return e <= 1.0 / 12 ? std::sqrt(3 * e) : a * std::log(12 * e - b) + c;
}

inline double bt709_oetf(double l) { return l < 0.018053968510807 ? 4.5 * l : 1.099296826809442 * std::pow(l, 0.45) - 0.099296826809442; }

}  // namespace nvcast::test::model
