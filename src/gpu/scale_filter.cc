#include "gpu/scale_filter.h"

#include <algorithm>
#include <cmath>

#include "nvcast/error.h"

namespace nvcast::gpu {

double bilinear_kernel(double t) {
    t = std::fabs(t);
    return t < 1.0 ? 1.0 - t : 0.0;
}

double bicubic_kernel(double t) {
    const double a = -0.5;
    t = std::fabs(t);
    if (t < 1.0) return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
    if (t < 2.0) return ((a * t - 5.0 * a) * t + 8.0 * a) * t - 4.0 * a;
    return 0.0;
}

HostFilterTable make_filter_table(int in_size, int out_size, ScaleFilter filter) {
    if (in_size <= 0 || out_size <= 0)
        throw Error(ErrorCode::InvalidArgument, "scaling needs positive sizes");
    const double ratio = static_cast<double>(in_size) / out_size;
    HostFilterTable t;
    std::vector<std::vector<double>> rows(static_cast<size_t>(out_size));
    t.start.resize(static_cast<size_t>(out_size));
    for (int o = 0; o < out_size; ++o) {
        std::vector<double>& w = rows[static_cast<size_t>(o)];
        int first;
        if (filter == ScaleFilter::Area) {
            const double lo = o * ratio, hi = (o + 1) * ratio;
            first = static_cast<int>(std::floor(lo));
            const int last = static_cast<int>(std::ceil(hi)) - 1;
            for (int j = first; j <= last; ++j) w.push_back(std::max(0.0, std::min(hi, j + 1.0) - std::max(lo, double(j))));
        } else {
            const double radius = filter == ScaleFilter::Bicubic ? 2.0 : 1.0;
            const double stretch = std::max(1.0, ratio);
            const double centre = (o + 0.5) * ratio - 0.5;
            const double support = radius * stretch;
            first = static_cast<int>(std::floor(centre - support)) + 1;
            const int last = static_cast<int>(std::ceil(centre + support)) - 1;
            for (int j = first; j <= last; ++j) {
                const double k = filter == ScaleFilter::Bicubic ? bicubic_kernel((j - centre) / stretch)
                                                                : bilinear_kernel((j - centre) / stretch);
                w.push_back(k);
            }
        }
        // Drop zero weights at the end, then normalise. Leading zeros stay: dropping them would move
        // this row's start past the next row's, and the kernels load a block of rows from its
        // first row's start on.
        while (!w.empty() && w.back() == 0.0) w.pop_back();
        if (w.empty()) {  // cannot happen for valid kernels; keep the nearest sample
            w.assign(1, 1.0);
            first = std::clamp(static_cast<int>(std::lround((o + 0.5) * ratio - 0.5)), 0, in_size - 1);
        }
        double sum = 0.0;
        for (double v : w) sum += v;
        for (double& v : w) v /= sum;
        t.start[static_cast<size_t>(o)] = first;
        t.taps = std::max(t.taps, static_cast<int>(w.size()));
    }
    t.weights.assign(static_cast<size_t>(out_size) * t.taps, 0.0f);
    for (int o = 0; o < out_size; ++o) {
        const std::vector<double>& w = rows[static_cast<size_t>(o)];
        for (size_t i = 0; i < w.size(); ++i)
            t.weights[static_cast<size_t>(o) * t.taps + i] = static_cast<float>(w[i]);
    }
    return t;
}

int group_rows_span(const HostFilterTable& t) {
    const int out = static_cast<int>(t.start.size());
    int span = 0;
    for (int o0 = 0; o0 < out; o0 += kScaleBlockRows) {
        const int last = std::min(o0 + kScaleBlockRows, out) - 1;
        span = std::max(span, t.start[static_cast<size_t>(last)] + t.taps - t.start[static_cast<size_t>(o0)]);
    }
    return span;
}

}  // namespace nvcast::gpu
