// The fused tone-map-and-scale kernel (src/gpu/tone_scale.h) against the two-step GPU chain it
// replaces (tone map at the input size, then scale: must be equal, max difference 0) and against
// the CPU reference (the chain's definition: within the tone-mapping tolerance, 1 code). Label gpu.
#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "device_frames.h"
#include "gpu/tone_scale.h"
#include "gpu_test_util.h"
#include "nvcast/convert.h"

namespace nvcast {
namespace {


struct Case {
    int src_w, src_h, dst_w, dst_h;
    ScaleFilter filter;
    ToneCurve curve;
};

Frame hdr_frame(int w, int h, uint32_t seed) {
    Frame f = Frame::allocate(PixelFormat::P010, w, h);
    test::fill_random(f, seed);
    f.color = {ColorPrimaries::BT2020, TransferCharacteristics::PQ, MatrixCoefficients::BT2020_NCL, ColorRange::Limited};
    return f;
}

class ToneScaleTest : public test::GpuStreamTest {
protected:
    // The GPU chain the fused kernel replaces, as two conversions: tone map into NV12 at the input
    // size, then scale NV12 -> NV12 with the same filter.
    Frame chain(const Frame& dev_in, int w, int h, const ConvertOptions& o) {
        FrameConverter tone_map(o);
        Frame mid = test::device_frame(PixelFormat::NV12, dev_in.width(), dev_in.height());
        tone_map.convert(dev_in, mid, stream_);
        ConvertOptions scale_only;
        scale_only.filter = o.filter;
        FrameConverter scale(scale_only);
        Frame out = test::device_frame(PixelFormat::NV12, w, h);
        scale.convert(mid, out, stream_);
        EXPECT_EQ(cudaStreamSynchronize(stream_), cudaSuccess);
        return test::download(out);
    }
};

TEST_F(ToneScaleTest, FusedEqualsTheChainAndTheReference) {
    std::vector<Case> cases = {
        {1280, 720, 640, 360, ScaleFilter::Bicubic, ToneCurve::Bt2390},
        {1366, 768, 684, 384, ScaleFilter::Bicubic, ToneCurve::Bt2390},  // tiles clipped at the right edge
        {1920, 1080, 1280, 720, ScaleFilter::Bicubic, ToneCurve::Hable},  // 2/3
        {1920, 1080, 640, 360, ScaleFilter::Bicubic, ToneCurve::Bt2390},  // 1/3: 12 taps, smaller tiles
        {1280, 720, 640, 360, ScaleFilter::Bilinear, ToneCurve::Reinhard},
        {1280, 720, 640, 360, ScaleFilter::Area, ToneCurve::Clip},
        {1280, 720, 1280, 360, ScaleFilter::Bicubic, ToneCurve::Bt2390},  // one axis only
    };
    if (!test::small_run()) cases.insert(cases.begin(), {3840, 2160, 1920, 1080, ScaleFilter::Bicubic, ToneCurve::Bt2390});
    int worst_chain = 0, worst_ref = 0;
    uint32_t seed = 40;
    for (const Case& c : cases) {
        const std::string name = std::to_string(c.src_w) + "x" + std::to_string(c.src_h) + " -> " +
                                 std::to_string(c.dst_w) + "x" + std::to_string(c.dst_h) + " " +
                                 std::string(to_string(c.filter)) + " " + std::string(to_string(c.curve));
        // the planner must pick the fused kernel for all of these when asked
        ASSERT_TRUE(gpu::plan_tone_scale(PixelFormat::P010, PixelFormat::NV12, c.src_w, c.src_h, c.dst_w, c.dst_h,
                                         c.filter))
            << name;
        ConvertOptions o;
        o.filter = c.filter;
        o.tonemap.curve = c.curve;
        o.tonemap.source_peak_nits = 1000;
        const Frame in = hdr_frame(c.src_w, c.src_h, ++seed);
        const Frame dev_in = test::upload(in);

        ConvertOptions fuse = o;
        fuse.fuse_tone_map_and_scale = true;
        FrameConverter fused_conv(fuse);
        Frame dev_out = test::device_frame(PixelFormat::NV12, c.dst_w, c.dst_h);
        fused_conv.convert(dev_in, dev_out, stream_);
        ASSERT_EQ(cudaStreamSynchronize(stream_), cudaSuccess) << name;
        EXPECT_EQ(fused_conv.last_path(), ConvertPath::Gpu);
        const Frame fused = test::download(dev_out);

        const int d_chain = test::max_abs_diff(fused, chain(dev_in, c.dst_w, c.dst_h, o));
        EXPECT_EQ(d_chain, 0) << name;

        FrameConverter cpu(o);
        Frame host_out = Frame::allocate(PixelFormat::NV12, c.dst_w, c.dst_h);
        cpu.convert(in, host_out);
        EXPECT_EQ(fused.color, host_out.color) << name;
        const int d_ref = test::max_abs_diff(fused, host_out);
        EXPECT_LE(d_ref, 1) << name;
        worst_chain = std::max(worst_chain, d_chain);
        worst_ref = std::max(worst_ref, d_ref);
    }
    std::printf("[ tone map + scale ] %zu cases: max |fused - chain| = %d, max |fused - CPU| = %d\n", cases.size(),
                worst_chain, worst_ref);
}

// Where the planner keeps the chain (upscaling here), the GPU output still matches the reference.
TEST_F(ToneScaleTest, ChainStillRunsWhereTheFusedKernelDoesNot) {
    ASSERT_FALSE(gpu::plan_tone_scale(PixelFormat::P010, PixelFormat::NV12, 640, 360, 1280, 720, ScaleFilter::Bicubic));
    ConvertOptions o;
    o.tonemap.curve = ToneCurve::Bt2390;
    o.fuse_tone_map_and_scale = true;
    const Frame in = hdr_frame(640, 360, 7);
    FrameConverter gpu(o), cpu(o);
    const Frame dev_in = test::upload(in);
    Frame dev_out = test::device_frame(PixelFormat::NV12, 1280, 720);
    gpu.convert(dev_in, dev_out, stream_);
    ASSERT_EQ(cudaStreamSynchronize(stream_), cudaSuccess);
    Frame host_out = Frame::allocate(PixelFormat::NV12, 1280, 720);
    cpu.convert(in, host_out);
    EXPECT_LE(test::max_abs_diff(test::download(dev_out), host_out), 1);
}

}  // namespace
}  // namespace nvcast
