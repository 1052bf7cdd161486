// Every CUDA kernel against its C++ reference on random and structured frames (label gpu).
// Outputs are poisoned before each run, so unwritten samples show up as differences.
// Stated tolerance: max |GPU - CPU| <= 1 code value for every kernel, and 0 for plain conversion
// (the kernels are built with -fmad=false, so conversion and scaling match exactly; tone mapping
// may differ by one where CUDA's powf/expf round differently from glibc's).
#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>

#include "device_frames.h"
#include "gpu_test_util.h"
#include "nvcast/convert.h"

namespace nvcast {
namespace {

#define CUDA_OK(x) ASSERT_EQ((x), cudaSuccess) << #x

using test::small_run;
int big_w() { return small_run() ? 320 : 1920; }
int big_h() { return small_run() ? 180 : 1080; }
int even(int v) { return v / 2 * 2; }

const PixelFormat kAll[] = {PixelFormat::NV12,    PixelFormat::I420, PixelFormat::I444,  PixelFormat::P010,
                            PixelFormat::I420_10, PixelFormat::I444_10, PixelFormat::BGRA, PixelFormat::RGBA,
                            PixelFormat::RGB24,   PixelFormat::X2RGB10};

using test::device_frame;
using test::download;
using test::upload;

Frame poisoned_host(PixelFormat f, int w, int h) {
    Frame out = Frame::allocate(f, w, h);
    for (int p = 0; p < out.plane_count(); ++p)
        std::memset(out.data(p), 0x5A, static_cast<size_t>(out.pitch(p)) * plane_rows(f, h, p));
    return out;
}

class KernelTest : public test::GpuStreamTest {
protected:
    // Runs one conversion on both paths; returns max |GPU - CPU| (or 1000 on a broken run).
    int compare(const Frame& host_in, PixelFormat out_format, int w, int h, const ColorDescription& out_color,
                const ConvertOptions& options, int extra_pitch = 0) {
        FrameConverter gpu(options), cpu(options);
        Frame dev_in = upload(host_in, extra_pitch);
        Frame dev_out = device_frame(out_format, w, h, extra_pitch);
        dev_out.color = out_color;
        gpu.convert(dev_in, dev_out, stream_);
        EXPECT_EQ(gpu.last_path(), ConvertPath::Gpu);
        if (cudaStreamSynchronize(stream_) != cudaSuccess) return 1000;
        Frame host_out = poisoned_host(out_format, w, h);
        host_out.color = out_color;
        cpu.convert(host_in, host_out);
        EXPECT_EQ(cpu.last_path(), ConvertPath::Cpu);
        EXPECT_EQ(dev_out.color, host_out.color);
        return test::max_abs_diff(download(dev_out), host_out);
    }
};

Frame random_frame(PixelFormat f, int w, int h, uint32_t seed) {
    Frame fr = Frame::allocate(f, w, h);
    test::fill_random(fr, seed);
    return fr;
}

// Structured content: 8 vertical colour bars over a horizontal grey ramp.
Frame structured_frame(PixelFormat f, int w, int h) {
    FrameConverter conv;
    const int max = 255;
    Frame rgb = Frame::allocate(PixelFormat::RGB24, w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int bar = x * 8 / w;
            const int v = y < h / 2 ? max : x * max / (w - 1);
            const int r = y < h / 2 ? ((bar & 2) ? v : 0) : v, g = y < h / 2 ? ((bar & 4) ? v : 0) : v,
                      b = y < h / 2 ? ((bar & 1) ? v : 0) : v;
            test::put_rgb(rgb, x, y, r, g, b);
        }
    if (f == PixelFormat::RGB24) return rgb;
    Frame out = Frame::allocate(f, w, h);
    conv.convert(rgb, out);
    return out;
}

TEST_F(KernelTest, ConversionEveryFormatPairRandomAndStructured) {
    const MatrixCoefficients matrices[] = {MatrixCoefficients::BT709, MatrixCoefficients::SMPTE170M, MatrixCoefficients::BT2020_NCL};
    int worst = 0, index = 0;
    for (PixelFormat from : kAll)
        for (PixelFormat to : kAll) {
            ++index;
            // The kernels' fast path (whole 8x2 tiles, planes and pitches 16-byte aligned) runs for
            // variants 0 and 3 (pitch padded by 64); the general tile kernel for 1 and 2 (134 wide:
            // clipped tiles) and for 4 (136 wide, but pitches padded by 4 bytes).
            const int pitch_pad[] = {0, 64, 0, 64, 4};
            for (int variant = 0; variant < 5; ++variant) {
                const int w = variant == 0 ? big_w() : (variant >= 3 ? 136 : 134), h = variant == 0 ? big_h() : 66;
                Frame in = variant == 2 ? structured_frame(from, w, h) : random_frame(from, w, h, static_cast<uint32_t>(index));
                in.color.matrix = matrices[index % 3];
                in.color.range = index % 2 ? ColorRange::Full : ColorRange::Limited;
                ColorDescription out_color;
                out_color.matrix = matrices[(index + 1) % 3];
                out_color.range = index % 4 < 2 ? ColorRange::Limited : ColorRange::Full;
                const int d = compare(in, to, w, h, out_color, ConvertOptions{}, pitch_pad[variant]);
                worst = std::max(worst, d);
                EXPECT_EQ(d, 0) << to_string(from) << " -> " << to_string(to) << " variant " << variant;
            }
        }
    std::printf("[ conversion ] 100 format pairs x 5 frames: max |GPU - CPU| = %d\n", worst);
}

TEST_F(KernelTest, ToneMappingEveryCurveAndTransfer) {
    int worst = 0;
    for (PixelFormat from : {PixelFormat::P010, PixelFormat::I420_10, PixelFormat::I444_10, PixelFormat::X2RGB10})
        for (auto transfer : {TransferCharacteristics::PQ, TransferCharacteristics::HLG})
            for (ToneCurve curve : {ToneCurve::Bt2390, ToneCurve::Hable, ToneCurve::Reinhard, ToneCurve::Clip})
                for (PixelFormat to : {PixelFormat::NV12, PixelFormat::BGRA, PixelFormat::I444}) {
                    Frame in = random_frame(from, 640, 360, 77);
                    in.color = {ColorPrimaries::BT2020, transfer, MatrixCoefficients::BT2020_NCL, ColorRange::Limited};
                    ConvertOptions o;
                    o.tonemap.curve = curve;
                    o.tonemap.source_peak_nits = transfer == TransferCharacteristics::PQ ? 4000 : 1000;
                    const int d = compare(in, to, 640, 360, {}, o);
                    worst = std::max(worst, d);
                    EXPECT_LE(d, 1) << to_string(from) << " " << to_string(curve) << " -> " << to_string(to);
                }
    std::printf("[ tonemap ] 4 inputs x 2 transfers x 4 curves x 3 outputs: max |GPU - CPU| = %d\n", worst);
}

TEST_F(KernelTest, ScalingEveryPlanarFormatAndFilter) {
    struct Size { int w, h; };
    int worst = 0;
    for (PixelFormat f : {PixelFormat::NV12, PixelFormat::I420, PixelFormat::I444, PixelFormat::P010,
                          PixelFormat::I420_10, PixelFormat::I444_10})
        for (ScaleFilter filter : {ScaleFilter::Bilinear, ScaleFilter::Bicubic, ScaleFilter::Area})
            for (Size s : {Size{even(big_w() * 2 / 3), even(big_h() * 2 / 3)}, Size{big_w() * 2, big_h() * 2},
                           Size{even(big_w() / 3), even(big_h() / 3)}, Size{even(big_w() * 25 / 48), even(big_h() * 25 / 48)}}) {
                Frame in = random_frame(f, big_w(), big_h(), 5);
                ConvertOptions o;
                o.filter = filter;
                const int d = compare(in, f, s.w, s.h, {}, o);
                worst = std::max(worst, d);
                EXPECT_LE(d, 1) << to_string(f) << " " << to_string(filter) << " -> " << s.w << "x" << s.h;
            }
    std::printf("[ scaling ] 6 formats x 3 filters x 4 sizes: max |GPU - CPU| = %d\n", worst);
}

TEST_F(KernelTest, ChainsConvertScaleAndToneMap) {
    const int w = big_w() * 2, h = big_h() * 2;
    Frame bgra = random_frame(PixelFormat::BGRA, w, h, 3);
    EXPECT_LE(compare(bgra, PixelFormat::NV12, w / 2, h / 2, {}, ConvertOptions{}), 1);
    Frame nv12 = random_frame(PixelFormat::NV12, even(w / 3), even(h / 3), 4);
    EXPECT_LE(compare(nv12, PixelFormat::BGRA, w / 2, h / 2, {}, ConvertOptions{}), 1);
    Frame hdr = random_frame(PixelFormat::P010, w, h, 9);
    hdr.color = {ColorPrimaries::BT2020, TransferCharacteristics::PQ, MatrixCoefficients::BT2020_NCL, ColorRange::Limited};
    ConvertOptions o;
    o.tonemap.curve = ToneCurve::Bt2390;
    EXPECT_LE(compare(hdr, PixelFormat::NV12, w / 2, h / 2, {}, o), 1);
}

TEST_F(KernelTest, PooledDeviceFramesStopAllocating) {
    FrameConverter conv;
    Frame in = upload(random_frame(PixelFormat::BGRA, 1920, 1080, 1));
    for (int i = 0; i < 50; ++i) {
        Frame out = conv.convert(in, ConvertTarget{PixelFormat::NV12, 1280, 720, {}}, stream_);
        EXPECT_EQ(out.memory(), MemoryType::Cuda);
    }
    CUDA_OK(cudaStreamSynchronize(stream_));
    EXPECT_LE(conv.pool_allocations(), 2u);
}

}  // namespace
}  // namespace nvcast
