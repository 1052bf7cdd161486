// The fused tone-map-and-scale kernel's plan and footprint rule, on the host (label cpu): which
// conversions get the kernel, and the kernel's steps (tone_scale.h) run block by block on the CPU
// give exactly the reference chain's output, every read inside the block's window.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "gpu/convert_params.h"
#include "gpu/scale_filter.h"
#include "gpu/tone_scale.h"
#include "gpu_test_util.h"
#include "nvcast/convert.h"

namespace nvcast {
namespace {

using gpu::plan_tone_scale;

TEST(ToneScalePlan, PicksTheFusedKernelFor4kHdrTo1080p) {
    const auto t = plan_tone_scale(PixelFormat::P010, PixelFormat::NV12, 3840, 2160, 1920, 1080, ScaleFilter::Bicubic);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->tile_w, 128);
    EXPECT_EQ(t->tile_h, 64);
    EXPECT_LE(t->shared_bytes, gpu::kToneScaleSharedBudget);
    std::printf("4K -> 1080p bicubic: %dx%d tiles, window %dx%d, %zu bytes of shared memory\n", t->tile_w, t->tile_h,
                t->window_pitch, t->window_rows, t->shared_bytes);
}

TEST(ToneScalePlan, KeepsTheChainElsewhere) {
    const ScaleFilter b = ScaleFilter::Bicubic;
    EXPECT_FALSE(plan_tone_scale(PixelFormat::P010, PixelFormat::NV12, 1920, 1080, 3840, 2160, b));  // upscale
    EXPECT_FALSE(plan_tone_scale(PixelFormat::P010, PixelFormat::NV12, 1920, 1080, 2560, 720, b));   // one axis up
    EXPECT_FALSE(plan_tone_scale(PixelFormat::P010, PixelFormat::NV12, 1920, 1080, 1920, 1080, b));  // same size
    EXPECT_FALSE(plan_tone_scale(PixelFormat::I420_10, PixelFormat::NV12, 3840, 2160, 1920, 1080, b));
    EXPECT_FALSE(plan_tone_scale(PixelFormat::P010, PixelFormat::I420, 3840, 2160, 1920, 1080, b));
    // 1/8: the footprint of even the smallest tile is too large for shared memory
    EXPECT_FALSE(plan_tone_scale(PixelFormat::P010, PixelFormat::NV12, 7680, 4320, 960, 540, b));
}

// The kernel's steps, run serially: for each block its window's tiles (tone_scale_window,
// tone_map_window_tile), then every output sample from the window's row sums and the column sum.
// The shared memory is poisoned before each block, and every read is checked against the window.
Frame fused_on_host(const Frame& in, int w, int h, const ConvertOptions& o) {
    const auto tiling = plan_tone_scale(in.format(), PixelFormat::NV12, in.width(), in.height(), w, h, o.filter);
    EXPECT_TRUE(tiling);
    if (!tiling) return Frame();
    Frame out = Frame::allocate(PixelFormat::NV12, w, h);
    gpu::ToneScaleJob job;
    for (int p = 0; p < in.plane_count(); ++p) {
        job.src.data[p] = const_cast<uint8_t*>(in.data(p));
        job.src.pitch[p] = in.pitch(p);
    }
    job.src.width = in.width();
    job.src.height = in.height();
    job.src.format = in.format();
    const ColorDescription src_color = gpu::resolve_input_color(in.format(), in.color);
    const ColorDescription dst_color = FrameConverter::resolve_output_color(in, PixelFormat::NV12, {}, o.tonemap);
    job.params = gpu::make_convert_params(in.format(), src_color, PixelFormat::NV12, dst_color, o.tonemap);
    gpu::HostFilterTable tables[2][2];  // [plane][axis]
    for (int p = 0; p < 2; ++p) {
        gpu::ScalePlane& sp = job.planes[p];
        sp.src_w = in.width() >> p;
        sp.src_h = in.height() >> p;
        sp.dst = out.data(p);
        sp.dst_pitch = out.pitch(p);
        sp.dst_w = w >> p;
        sp.dst_h = h >> p;
        sp.comps = p + 1;
        sp.layout = gpu::layout_of(PixelFormat::NV12);
        tables[p][0] = gpu::make_filter_table(sp.src_w, sp.dst_w, o.filter);
        tables[p][1] = gpu::make_filter_table(sp.src_h, sp.dst_h, o.filter);
        sp.fx = tables[p][0].view();
        sp.fy = tables[p][1].view();
    }
    job.tiling = *tiling;
    std::vector<uint8_t> shared(gpu::window_bytes(job.tiling));
    const int blocks_x = (w + tiling->tile_w - 1) / tiling->tile_w, blocks_y = (h + tiling->tile_h - 1) / tiling->tile_h;
    for (int by = 0; by < blocks_y; ++by)
        for (int bx = 0; bx < blocks_x; ++bx) {
            const gpu::ToneScaleWindow win = gpu::tone_scale_window(job, bx, by);
            EXPECT_LE(win.w, tiling->window_pitch);
            EXPECT_LE(win.h, tiling->window_rows);
            std::memset(shared.data(), 0xA5, shared.size());
            const gpu::PlaneSet planes = gpu::window_planes(job, win, shared.data());
            for (int t = 0; t < (win.w / gpu::kTileW) * (win.h / gpu::kTileH); ++t)
                gpu::tone_map_window_tile(job, win, planes, t);
            for (int p = 0; p < 2; ++p) {
                const gpu::ScalePlane& sp = job.planes[p];
                int x0, y0;
                gpu::window_origin(win, p, x0, y0);
                const int ox0 = bx * (tiling->tile_w >> p), oy0 = by * (tiling->tile_h >> p);
                for (int oy = oy0; oy < std::min(oy0 + (tiling->tile_h >> p), sp.dst_h); ++oy)
                    for (int ox = ox0; ox < std::min(ox0 + (tiling->tile_w >> p), sp.dst_w); ++ox)
                        for (int c = 0; c < sp.comps; ++c) {
                            const int first = sp.fy.start[oy];
                            std::vector<float> sums(static_cast<size_t>(sp.fy.taps));
                            for (int j = 0; j < sp.fy.taps; ++j) {
                                // every sample this sum reads lies in the window
                                const int y = std::clamp(first + j, 0, sp.src_h - 1) - y0;
                                EXPECT_TRUE(y >= 0 && y < win.h >> p) << "row " << first + j;
                                for (int i = 0; i < sp.fx.taps; ++i) {
                                    const int x = std::clamp(sp.fx.start[ox] + i, 0, sp.src_w - 1) - x0;
                                    EXPECT_TRUE(x >= 0 && x < win.w >> p) << "column " << sp.fx.start[ox] + i;
                                }
                                sums[static_cast<size_t>(j)] =
                                    gpu::window_row_sum(sp, planes.data[p], planes.pitch[p], x0, y0, first + j, ox, c);
                            }
                            const float acc = gpu::column_sum(sp, sums.data(), 1, first, oy);
                            gpu::write_sample(sp.dst + static_cast<size_t>(oy) * sp.dst_pitch, ox * sp.comps + c,
                                              sp.layout, gpu::scaled_code(sp, acc));
                        }
            }
        }
    return out;
}

TEST(ToneScalePlan, KernelStepsOnTheHostEqualTheReferenceChain) {
    struct Case {
        int src_w, src_h, dst_w, dst_h;
        ScaleFilter filter;
    };
    const Case cases[] = {
        {1280, 720, 640, 360, ScaleFilter::Bicubic},  {1366, 768, 684, 384, ScaleFilter::Bicubic},
        {960, 540, 640, 360, ScaleFilter::Bicubic},   {1920, 1080, 640, 360, ScaleFilter::Bicubic},
        {1280, 720, 640, 360, ScaleFilter::Bilinear}, {1280, 720, 640, 360, ScaleFilter::Area},
        {1280, 720, 1280, 360, ScaleFilter::Bicubic}, {134, 66, 40, 22, ScaleFilter::Bicubic},
    };
    uint32_t seed = 3;
    for (const Case& c : cases) {
        Frame in = Frame::allocate(PixelFormat::P010, c.src_w, c.src_h);
        test::fill_random(in, ++seed);
        in.color = {ColorPrimaries::BT2020, TransferCharacteristics::PQ, MatrixCoefficients::BT2020_NCL, ColorRange::Limited};
        ConvertOptions o;
        o.filter = c.filter;
        o.tonemap.curve = ToneCurve::Bt2390;
        const Frame fused = fused_on_host(in, c.dst_w, c.dst_h, o);
        ASSERT_FALSE(fused.empty());
        FrameConverter reference(o);
        Frame want = Frame::allocate(PixelFormat::NV12, c.dst_w, c.dst_h);
        reference.convert(in, want);
        EXPECT_EQ(test::max_abs_diff(fused, want), 0) << c.src_w << "x" << c.src_h << " -> " << c.dst_w << "x" << c.dst_h
                                                      << " " << to_string(c.filter);
    }
}

}  // namespace
}  // namespace nvcast
