// Resampling filter tables (host): which source samples and weights make each output sample.
#pragma once

#include <vector>

#include "gpu/scale_sample.h"
#include "nvcast/convert.h"

namespace nvcast::gpu {

struct HostFilterTable {
    int taps = 0;
    std::vector<int> start;
    std::vector<float> weights;  // out_size * taps, each row sums to 1
    FilterTable view() const { return FilterTable{taps, start.data(), weights.data()}; }
};

// Output sample o is centred on source position (o + 0.5) * in/out - 0.5 (centres aligned).
// Bilinear/bicubic kernels are stretched by in/out when downscaling, so they low-pass the
// signal before decimation; Area weights each source sample by its overlap with the output's footprint.
HostFilterTable make_filter_table(int in_size, int out_size, ScaleFilter filter);

// Most source rows that one group of kScaleBlockRows output rows reads (groups start at multiples of
// kScaleBlockRows): the rows of horizontal sums a block of the separable kernels keeps.
int group_rows_span(const HostFilterTable& t);

// The continuous kernels (exposed for tests).
double bilinear_kernel(double t);
double bicubic_kernel(double t);  // Catmull-Rom (Keys a = -0.5)

}  // namespace nvcast::gpu
