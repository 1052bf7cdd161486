// Separable resampling of one output sample, shared by the scaling kernel and its reference.
#pragma once

#include "gpu/color_math.h"
#include "gpu/pixel_access.h"

namespace nvcast::gpu {

// Per-axis filter: output index o reads source indices start[o] .. start[o]+taps-1
// (clamped to the plane, i.e. edges replicate) with weights[o * taps + i].
struct FilterTable {
    int taps = 0;
    const int* start = nullptr;
    const float* weights = nullptr;
};

// One plane to resample. Sizes count pixels; `comps` samples per pixel (2 for NV12/P010 chroma).
struct ScalePlane {
    const uint8_t* src = nullptr;
    int src_pitch = 0;
    int src_w = 0;
    int src_h = 0;
    uint8_t* dst = nullptr;
    int dst_pitch = 0;
    int dst_w = 0;
    int dst_h = 0;
    int comps = 1;
    Layout layout{};
    FilterTable fx;
    FilterTable fy;
    int span_y = 0;  // kernels: most source rows one block of kScaleBlockRows output rows reads
};

constexpr int kScaleBlockCols = 32;
constexpr int kScaleBlockRows = 8;

// Horizontal part of the filter: source row `row` (its sample 0 is plane column `origin`) filtered
// for output column ox, component comp; columns clamp to the plane (edges replicate).
NVCAST_HD float row_sum(const ScalePlane& p, const uint8_t* row, int origin, int ox, int comp) {
    const int sx0 = p.fx.start[ox];
    const float* wx = p.fx.weights + static_cast<size_t>(ox) * p.fx.taps;
    float racc = 0.0f;
    for (int i = 0; i < p.fx.taps; ++i) {
        const int x = clamp_to(sx0 + i, 0, p.src_w - 1) - origin;
        racc += wx[i] * static_cast<float>(read_sample(row, x * p.comps + comp, p.layout));
    }
    return racc;
}

// Vertical part, from stored horizontal sums: sums[k * stride] is source row `first` + k's.
NVCAST_HD float column_sum(const ScalePlane& p, const float* sums, int stride, int first, int oy) {
    const int base = p.fy.start[oy] - first;
    const float* wy = p.fy.weights + static_cast<size_t>(oy) * p.fy.taps;
    float acc = 0.0f;
    for (int j = 0; j < p.fy.taps; ++j) acc += wy[j] * sums[(base + j) * stride];
    return acc;
}

// The code value of a filtered sum.
NVCAST_HD int scaled_code(const ScalePlane& p, float acc) { return quantize(acc, 1.0f, 0.0f, (1 << p.layout.depth) - 1); }

// Filters output sample (ox, oy, comp): rows first (horizontal sums), then the vertical sum.
NVCAST_HD int scale_sample(const ScalePlane& p, int ox, int oy, int comp) {
    const int sy0 = p.fy.start[oy];
    const float* wy = p.fy.weights + static_cast<size_t>(oy) * p.fy.taps;
    float acc = 0.0f;
    for (int j = 0; j < p.fy.taps; ++j) {
        const int y = clamp_to(sy0 + j, 0, p.src_h - 1);
        acc += wy[j] * row_sum(p, p.src + static_cast<size_t>(y) * p.src_pitch, 0, ox, comp);
    }
    return scaled_code(p, acc);
}

NVCAST_HD void scale_write(const ScalePlane& p, int ox, int oy, int comp, int v) {
    write_sample(p.dst + static_cast<size_t>(oy) * p.dst_pitch, ox * p.comps + comp, p.layout, v);
}

}  // namespace nvcast::gpu
