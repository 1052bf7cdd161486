// Whether, and with which tiles, the fused tone-map-and-scale kernel runs (host).
#include <algorithm>

#include "gpu/scale_filter.h"
#include "gpu/tone_scale.h"

namespace nvcast::gpu {

namespace {

// The pairs tone_scale_kernel.cu is built for.
bool built_for(PixelFormat src, PixelFormat dst) { return src == PixelFormat::P010 && dst == PixelFormat::NV12; }

// The largest footprint on one axis over every block of `tile` outputs.
int widest_window(const HostFilterTable& luma, const HostFilterTable& chroma, int src, int dst, int tile, int unit) {
    int widest = 0;
    for (int o0 = 0; o0 < dst; o0 += tile) {
        int first = 0, size = 0;
        window_axis(luma.view(), chroma.view(), src, dst, o0, tile, unit, first, size);
        widest = std::max(widest, size);
    }
    return widest;
}

}  // namespace

std::optional<ToneScaleTiling> plan_tone_scale(PixelFormat src, PixelFormat dst, int src_w, int src_h, int dst_w,
                                               int dst_h, ScaleFilter filter) {
    if (!built_for(src, dst)) return std::nullopt;
    if (dst_w > src_w || dst_h > src_h || (dst_w == src_w && dst_h == src_h)) return std::nullopt;
    if (src_w % 2 || src_h % 2 || dst_w % 2 || dst_h % 2) return std::nullopt;  // 4:2:0 on both sides
    // The scaler's tables for this conversion (FrameConverter builds the same ones).
    const HostFilterTable lx = make_filter_table(src_w, dst_w, filter), ly = make_filter_table(src_h, dst_h, filter);
    const HostFilterTable cx = make_filter_table(src_w / 2, dst_w / 2, filter),
                          cy = make_filter_table(src_h / 2, dst_h / 2, filter);
    const int span = std::max(group_rows_span(ly), group_rows_span(cy));
    // Largest tiles first (the smallest share of the footprint is halo), halved until one fits.
    for (int tile_w = 128, tile_h = 64; tile_h >= 2 * kScaleBlockRows; tile_w /= 2, tile_h /= 2) {
        ToneScaleTiling t;
        t.tile_w = tile_w;
        t.tile_h = tile_h;
        t.window_pitch = (widest_window(lx, cx, src_w, dst_w, tile_w, kTileW) + 15) / 16 * 16;
        t.window_rows = widest_window(ly, cy, src_h, dst_h, tile_h, kTileH);
        t.span = span;
        t.shared_bytes = window_bytes(t) + static_cast<size_t>(span) * tile_w * sizeof(float);
        if (t.shared_bytes <= kToneScaleSharedBudget) return t;
    }
    return std::nullopt;
}

}  // namespace nvcast::gpu
