// Tone mapping and scaling in one kernel: the chain "tone map at the input size into the output
// format, then scale" (FrameConverter's plan for an HDR 4:2:0 frame to a smaller SDR 4:2:0 one)
// without its full-size intermediate frame in device memory.
//
// Each block owns a tile of the output. It first rebuilds, in shared memory, the part of the
// chain's intermediate frame that its tile reads (the filters' footprint, halo included): the
// same 8x2 tiles, loaded, transformed and stored by convert_tile's own steps, so every code is the
// one the chain's tone-map kernel writes. It then filters that window with the scaler's row and
// column sums, in the scaler's order. So the output equals the chain's bit for bit, and the CPU
// reference (the chain) stays the definition.
//
// The functions here are shared by the kernel (tone_scale_kernel.cu) and its host check
// (tests/gpu/tone_scale_plan_test.cc).
#pragma once

#include <stddef.h>

#include <optional>

#include "gpu/convert_tile.h"
#include "gpu/scale_sample.h"
#include "nvcast/convert.h"

namespace nvcast::gpu {

// How the output is cut into blocks, and the shared memory one block needs.
struct ToneScaleTiling {
    int tile_w = 0;        // output luma columns per block (even: the chroma tile is half as wide)
    int tile_h = 0;        // output luma rows per block (a multiple of 2 * kScaleBlockRows, so
                           // luma and chroma groups of rows start where the scaler's do)
    int window_pitch = 0;  // bytes per window row: the widest footprint, rounded up to 16
    int window_rows = 0;   // the tallest footprint (intermediate luma rows)
    int span = 0;          // rows of horizontal sums that one group of kScaleBlockRows output rows needs
    size_t shared_bytes = 0;
};

struct ToneScaleJob {
    PlaneSet src;          // the HDR frame
    ConvertParams params;  // the chain's tone-map step (source -> intermediate format, same size)
    ScalePlane planes[2];  // the chain's scale step, luma and chroma: intermediate -> destination (src unset)
    ToneScaleTiling tiling;
};

// Shared memory a block may use. With 1/2 bicubic the 128x64 tile takes 67 KiB (its footprint is
// 272x140 luma samples for 256x128 of its own: 16 % more tone mapping than the chain does), and the
// two blocks an SM runs (tone_scale_kernel.cu) take 134 KiB of an H200 SM's 228 KiB of shared
// memory; the rest can stay L1, where the tone-mapping tables are read.
constexpr size_t kToneScaleSharedBudget = 72 * 1024;

// The fused kernel's tiling for this conversion, or nothing where the chain must run instead: a
// format pair the kernel is not built for, the same size, upscaling on either axis (not built for:
// the tests and the benchmark cover downscaling), or no tile whose footprint fits the budget.
std::optional<ToneScaleTiling> plan_tone_scale(PixelFormat src, PixelFormat dst, int src_w, int src_h, int dst_w,
                                               int dst_h, ScaleFilter filter);

// One block's footprint in the intermediate frame, in luma samples, made of whole convert tiles.
struct ToneScaleWindow {
    int x0 = 0, y0 = 0, w = 0, h = 0;
};

// Source samples [lo, hi] that outputs first..last read on one axis, clamped to the plane (the
// scaler clamps the same way). Filter starts never decrease (make_filter_table), so the two ends
// bound them all.
NVCAST_HD void tap_range(const FilterTable& t, int first, int last, int size, int& lo, int& hi) {
    lo = clamp_to(t.start[first], 0, size - 1);
    hi = clamp_to(t.start[last] + t.taps - 1, 0, size - 1);
}

// One axis of a block's footprint: luma outputs o0 .. o0 + tile - 1 (clipped to `dst`) and the chroma
// outputs beside them; chroma sample k is made from luma samples 2k and 2k + 1. Whole `unit`s.
NVCAST_HD void window_axis(const FilterTable& luma, const FilterTable& chroma, int src, int dst, int o0, int tile,
                           int unit, int& first, int& size) {
    const int o1 = (o0 + tile < dst ? o0 + tile : dst) - 1;
    int lo, hi, clo, chi;
    tap_range(luma, o0, o1, src, lo, hi);
    tap_range(chroma, o0 / 2, o1 / 2, src / 2, clo, chi);
    lo = lo < 2 * clo ? lo : 2 * clo;
    hi = hi > 2 * chi + 1 ? hi : 2 * chi + 1;
    first = lo / unit * unit;
    size = (hi + 1 - first + unit - 1) / unit * unit;
}

NVCAST_HD ToneScaleWindow tone_scale_window(const ToneScaleJob& j, int bx, int by) {
    const ScalePlane &l = j.planes[0], &c = j.planes[1];
    ToneScaleWindow w;
    window_axis(l.fx, c.fx, l.src_w, l.dst_w, bx * j.tiling.tile_w, j.tiling.tile_w, kTileW, w.x0, w.w);
    window_axis(l.fy, c.fy, l.src_h, l.dst_h, by * j.tiling.tile_h, j.tiling.tile_h, kTileH, w.y0, w.h);
    return w;
}

// The window as a frame of the intermediate format in local coordinates: luma then chroma rows of
// `window_pitch` bytes from `base` (16-byte aligned).
NVCAST_HD PlaneSet window_planes(const ToneScaleJob& j, const ToneScaleWindow& w, uint8_t* base) {
    PlaneSet s;
    s.data[0] = base;
    s.data[1] = base + static_cast<size_t>(j.tiling.window_pitch) * j.tiling.window_rows;
    s.pitch[0] = s.pitch[1] = j.tiling.window_pitch;
    s.width = w.w;
    s.height = w.h;
    s.format = j.params.dst_format;
    return s;
}

// Bytes of the window's planes (what precedes the horizontal sums in shared memory).
NVCAST_HD size_t window_bytes(const ToneScaleTiling& t) {
    return static_cast<size_t>(t.window_pitch) * t.window_rows * 3 / 2;
}

// Tile `t` of the window (row-major over its 8x2 tiles): convert_tile's steps, read from the source
// at the tile's frame position and stored at its window position. Tiles reaching past the frame's
// right or bottom edge read replicated samples, as in the chain; the scale step never reads those.
template <int SF = -1, int DF = -1>
NVCAST_HD void tone_map_window_tile(const ToneScaleJob& j, const ToneScaleWindow& w, const PlaneSet& win, int t) {
    const PixelFormat sf = SF >= 0 ? static_cast<PixelFormat>(SF) : j.src.format;
    const PixelFormat df = DF >= 0 ? static_cast<PixelFormat>(DF) : win.format;
    const int tiles_w = w.w / kTileW;
    const int lx = t % tiles_w * kTileW, ly = t / tiles_w * kTileH;
    float c[kTileH][kTileW][3];
    load_tile(j.src, sf, j.params, w.x0 + lx, w.y0 + ly, c);
    transform_tile(j.params, c);
    store_tile(win, df, j.params, lx, ly, c);
}

// Where plane `plane` (0 luma, 1 chroma) of the window starts, in that plane's samples.
NVCAST_HD void window_origin(const ToneScaleWindow& w, int plane, int& x0, int& y0) {
    x0 = plane == 0 ? w.x0 : w.x0 / 2;
    y0 = plane == 0 ? w.y0 : w.y0 / 2;
}

// Horizontal sum for output column ox, component c, of intermediate row y (plane rows, clamped as
// the scaler clamps them) from the window plane `rows` whose first sample is (x0, y0).
NVCAST_HD float window_row_sum(const ScalePlane& p, const uint8_t* rows, int pitch, int x0, int y0, int y, int ox,
                               int c) {
    const uint8_t* row = rows + static_cast<size_t>(clamp_to(y, 0, p.src_h - 1) - y0) * pitch;
    return row_sum(p, row, x0, ox, c);
}

}  // namespace nvcast::gpu
