#include "gpu/convert_params.h"

#include <cmath>
#include <string>

#include "nvcast/error.h"

namespace nvcast::gpu {

bool is_yuv(PixelFormat f) { return !format_info(f).packed_rgb; }

void luma_coefficients(MatrixCoefficients m, double& kr, double& kb) {
    switch (m) {
        case MatrixCoefficients::BT709: kr = 0.2126; kb = 0.0722; return;
        case MatrixCoefficients::BT470BG:
        case MatrixCoefficients::SMPTE170M: kr = 0.299; kb = 0.114; return;
        case MatrixCoefficients::BT2020_NCL: kr = 0.2627; kb = 0.0593; return;
        default: break;
    }
    throw Error(ErrorCode::Unsupported, "colour matrix " + std::to_string(static_cast<int>(m)) +
                                            " has no Y'CbCr coefficients (use bt601, bt709 or bt2020)");
}

void rgb_to_yuv_matrix(MatrixCoefficients m, double (&out)[9]) {
    double kr, kb;
    luma_coefficients(m, kr, kb);
    const double kg = 1.0 - kr - kb;
    const double cb = 0.5 / (1.0 - kb), cr = 0.5 / (1.0 - kr);
    // Y = Kr R + Kg G + Kb B; Cb = (B - Y) / (2 (1 - Kb)); Cr = (R - Y) / (2 (1 - Kr))
    const double rows[9] = {kr, kg, kb, -kr * cb, -kg * cb, (1.0 - kb) * cb, (1.0 - kr) * cr, -kg * cr, -kb * cr};
    for (int i = 0; i < 9; ++i) out[i] = rows[i];
}

void yuv_to_rgb_matrix(MatrixCoefficients m, double (&out)[9]) {
    double kr, kb;
    luma_coefficients(m, kr, kb);
    const double kg = 1.0 - kr - kb;
    const double rows[9] = {1.0, 0.0, 2.0 * (1.0 - kr),
                            1.0, -2.0 * kb * (1.0 - kb) / kg, -2.0 * kr * (1.0 - kr) / kg,
                            1.0, 2.0 * (1.0 - kb), 0.0};
    for (int i = 0; i < 9; ++i) out[i] = rows[i];
}

namespace {

// Normalised primary matrix (RGB -> XYZ) for primaries x,y and white point D65 (SMPTE RP 177).
void npm(const double (&xy)[6], double (&out)[9]) {
    const double wx = 0.3127, wy = 0.3290;
    double p[9];  // columns: XYZ of each primary with Y = 1
    for (int c = 0; c < 3; ++c) {
        const double x = xy[2 * c], y = xy[2 * c + 1];
        p[0 * 3 + c] = x / y;
        p[1 * 3 + c] = 1.0;
        p[2 * 3 + c] = (1.0 - x - y) / y;
    }
    const double w[3] = {wx / wy, 1.0, (1.0 - wx - wy) / wy};
    // Solve p * s = w (Cramer's rule) for the primaries' scale factors s.
    auto det3 = [](const double (&m)[9]) {
        return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
               m[2] * (m[3] * m[7] - m[4] * m[6]);
    };
    const double d = det3(p);
    double s[3];
    for (int c = 0; c < 3; ++c) {
        double q[9];
        for (int i = 0; i < 9; ++i) q[i] = p[i];
        for (int r = 0; r < 3; ++r) q[r * 3 + c] = w[r];
        s[c] = det3(q) / d;
    }
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) out[r * 3 + c] = p[r * 3 + c] * s[c];
}

void invert3(const double (&m)[9], double (&out)[9]) {
    const double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                       m[2] * (m[3] * m[7] - m[4] * m[6]);
    out[0] = (m[4] * m[8] - m[5] * m[7]) / det;
    out[1] = (m[2] * m[7] - m[1] * m[8]) / det;
    out[2] = (m[1] * m[5] - m[2] * m[4]) / det;
    out[3] = (m[5] * m[6] - m[3] * m[8]) / det;
    out[4] = (m[0] * m[8] - m[2] * m[6]) / det;
    out[5] = (m[2] * m[3] - m[0] * m[5]) / det;
    out[6] = (m[3] * m[7] - m[4] * m[6]) / det;
    out[7] = (m[1] * m[6] - m[0] * m[7]) / det;
    out[8] = (m[0] * m[4] - m[1] * m[3]) / det;
}

void to_float(const double (&in)[9], float (&out)[9], double scale = 1.0) {
    for (int i = 0; i < 9; ++i) out[i] = static_cast<float>(in[i] * scale);
}

}  // namespace

void bt2020_to_bt709_matrix(double (&out)[9]) {
    const double p2020[6] = {0.708, 0.292, 0.170, 0.797, 0.131, 0.046};
    const double p709[6] = {0.640, 0.330, 0.300, 0.600, 0.150, 0.060};
    double a[9], b[9], binv[9];
    npm(p2020, a);
    npm(p709, b);
    invert3(b, binv);
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            out[r * 3 + c] = binv[r * 3 + 0] * a[0 * 3 + c] + binv[r * 3 + 1] * a[1 * 3 + c] + binv[r * 3 + 2] * a[2 * 3 + c];
}

void code_range(PixelFormat format, ColorRange range, int component, double& offset, double& scale) {
    const int depth = format_info(format).bit_depth;
    const double step = std::ldexp(1.0, depth - 8);  // 2^(depth-8)
    const double max = std::ldexp(1.0, depth) - 1.0;
    if (!is_yuv(format)) {  // R'G'B' is full range
        offset = 0.0;
        scale = 1.0 / max;
        return;
    }
    if (range == ColorRange::Full) {
        offset = component == 0 ? 0.0 : std::ldexp(1.0, depth - 1);
        scale = 1.0 / max;
    } else {
        offset = (component == 0 ? 16.0 : 128.0) * step;
        scale = 1.0 / ((component == 0 ? 219.0 : 224.0) * step);
    }
}

ColorDescription resolve_input_color(PixelFormat format, ColorDescription c) {
    if (!is_yuv(format)) {
        c.matrix = MatrixCoefficients::RGB;
        c.range = ColorRange::Full;
        return c;
    }
    if (c.matrix == MatrixCoefficients::Unspecified || c.matrix == MatrixCoefficients::RGB) {
        const bool hdr = c.transfer == TransferCharacteristics::PQ || c.transfer == TransferCharacteristics::HLG ||
                         c.primaries == ColorPrimaries::BT2020;
        c.matrix = hdr ? MatrixCoefficients::BT2020_NCL : MatrixCoefficients::BT709;
    }
    return c;
}

ToneParams make_tone_params(const ToneMapOptions& t) {
    ToneParams p;
    switch (t.curve) {
        case ToneCurve::None: p.curve = kCurveNone; break;
        case ToneCurve::Bt2390: p.curve = kCurveBt2390; break;
        case ToneCurve::Hable: p.curve = kCurveHable; break;
        case ToneCurve::Reinhard: p.curve = kCurveReinhard; break;
        case ToneCurve::Clip: p.curve = kCurveClip; break;
    }
    p.peak = static_cast<float>(t.source_peak_nits / t.target_peak_nits);
    p.target_nits = static_cast<float>(t.target_peak_nits);
    p.hable_white = hable_raw(p.peak);
    p.reinhard_k = static_cast<float>(t.reinhard_k);
    p.pq_source_peak = pq_inverse_eotf(static_cast<float>(t.source_peak_nits));
    p.eetf_max_lum = pq_inverse_eotf(static_cast<float>(t.target_peak_nits)) / p.pq_source_peak;
    p.eetf_ks = 1.5f * p.eetf_max_lum - 0.5f;
    return p;
}

ConvertParams make_convert_params(PixelFormat src, const ColorDescription& src_color, PixelFormat dst,
                                  const ColorDescription& dst_color, const ToneMapOptions& tonemap) {
    ConvertParams p;
    p.src_format = src;
    p.dst_format = dst;
    p.src_yuv = is_yuv(src);
    p.dst_yuv = is_yuv(dst);
    const FormatInfo& si = format_info(src);
    const FormatInfo& di = format_info(dst);
    p.block_chroma = p.src_yuv && p.dst_yuv && si.chroma_shift_y == 1 && di.chroma_shift_y == 1;
    for (int k = 0; k < 3; ++k) {
        double off, scale;
        code_range(src, src_color.range, k, off, scale);
        p.src_offset[k] = static_cast<float>(off);
        p.src_scale[k] = static_cast<float>(scale);
        code_range(dst, dst_color.range, k, off, scale);
        p.dst_offset[k] = static_cast<float>(off);
        p.dst_scale[k] = static_cast<float>(1.0 / scale);
    }
    p.dst_max = (1 << di.bit_depth) - 1;
    double m[9];
    if (p.src_yuv) {
        yuv_to_rgb_matrix(src_color.matrix, m);
        to_float(m, p.src_matrix);
    }
    if (p.dst_yuv) {
        rgb_to_yuv_matrix(dst_color.matrix, m);
        to_float(m, p.dst_matrix);
    }
    if (tonemap.curve != ToneCurve::None) {
        p.tonemap = true;
        p.transfer = src_color.transfer == TransferCharacteristics::HLG ? kTransferHlg : kTransferPq;
        p.hlg_peak = static_cast<float>(tonemap.source_peak_nits);
        p.hlg_gamma_minus_1 = static_cast<float>(0.2 + 0.42 * std::log10(tonemap.source_peak_nits / 1000.0));
        bt2020_to_bt709_matrix(m);
        to_float(m, p.gamut, 1.0 / tonemap.target_peak_nits);
        p.tone = make_tone_params(tonemap);
    }
    return p;
}

}  // namespace nvcast::gpu
