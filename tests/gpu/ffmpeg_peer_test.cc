// The CPU references against an independent implementation: the ffmpeg CLI's zscale (zimg,
// float arithmetic) and tonemap filters. Tolerances are stated per test; comparisons of 4:2:0
// content use flat patches and skip their borders, because chroma siting and edge handling
// differ legitimately between implementations (docs/gpu.md).
#include <gtest/gtest.h>

#include <cmath>

#include "colour_model.h"
#include "gpu_test_util.h"
#include "nvcast/convert.h"
#include "support/test_support.h"

namespace nvcast {
namespace {

// Runs `ffmpeg -vf <vf>` on one raw frame and reads the raw result.
Frame ffmpeg_filter(const Frame& in, const std::string& vf, PixelFormat out_format, int out_w, int out_h) {
    test::TempDir dir;
    const std::string src = dir.file("in.raw"), dst = dir.file("out.raw");
    test::write_raw_frame(src, in);
    // zscale works on planar formats: repack packed/semi-planar formats around it explicitly
    // (lossless), so that no automatic swscale conversion with its own arithmetic sneaks in.
    auto planar = [](PixelFormat f) -> std::string {
        switch (f) {
            case PixelFormat::NV12: return "yuv420p";
            case PixelFormat::P010: return "yuv420p10le";
            case PixelFormat::BGRA: case PixelFormat::RGBA: case PixelFormat::RGB24: return "gbrp";
            default: return test::ffmpeg_pix_fmt(f);
        }
    };
    const std::string cmd = "'" + test::ffmpeg_path() + "' -v error -nostdin -f rawvideo -pix_fmt " +
                            test::ffmpeg_pix_fmt(in.format()) + " -s " + std::to_string(in.width()) + "x" +
                            std::to_string(in.height()) + " -i '" + src + "' -vf 'format=" + planar(in.format()) +
                            "," + vf + ",format=" + planar(out_format) + ",format=" + test::ffmpeg_pix_fmt(out_format) +
                            "' -f rawvideo -y '" + dst + "'";
    const test::CommandResult r = test::run_command(cmd, 120);
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.output;
    Frame out = test::read_raw_frame(dst, out_format, out_w, out_h);
    EXPECT_FALSE(out.empty()) << "ffmpeg produced no frame: " << cmd;
    return out;
}

// Largest difference over samples inside flat patches of `patch` pixels, `border` pixels in.
int max_patch_interior_diff(const Frame& a, const Frame& b, int patch, int border) {
    const test::Samples sa = test::samples_of(a), sb = test::samples_of(b);
    int worst = 0;
    for (int p = 0; p < 3; ++p) {
        const int sub = sa.w[0] / sa.w[p];  // 1 or 2
        const int pp = patch / sub, bb = (border + sub - 1) / sub;
        for (int y = 0; y < sa.h[p]; ++y)
            for (int x = 0; x < sa.w[p]; ++x) {
                if (x % pp < bb || x % pp >= pp - bb || y % pp < bb || y % pp >= pp - bb) continue;
                worst = std::max(worst, std::abs(sa.at(p, x, y) - sb.at(p, x, y)));
            }
    }
    return worst;
}

#define REQUIRE_FFMPEG() \
    if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not found"

const char* zmatrix(MatrixCoefficients m) {
    return m == MatrixCoefficients::BT709 ? "709" : m == MatrixCoefficients::BT2020_NCL ? "2020_ncl" : "470bg";
}

TEST(FfmpegPeer, RgbToYuv444MatchesZscale) {
    REQUIRE_FFMPEG();
    Frame rgb = Frame::allocate(PixelFormat::RGB24, 96, 64);
    test::fill_random(rgb, 21);
    for (MatrixCoefficients m : {MatrixCoefficients::SMPTE170M, MatrixCoefficients::BT709, MatrixCoefficients::BT2020_NCL})
        for (ColorRange r : {ColorRange::Limited, ColorRange::Full})
            for (PixelFormat f : {PixelFormat::I444, PixelFormat::I444_10}) {
                SCOPED_TRACE(std::string(zmatrix(m)) + (r == ColorRange::Full ? " full " : " limited ") +
                             std::string(to_string(f)));
                FrameConverter conv;
                ConvertTarget t{f, 0, 0, {}};
                t.color.matrix = m;
                t.color.range = r;
                const Frame ours = conv.convert(rgb, t);
                const Frame peer = ffmpeg_filter(
                    rgb, std::string("zscale=m=") + zmatrix(m) + ":r=" + (r == ColorRange::Full ? "full" : "limited"), f,
                    96, 64);
                if (peer.empty()) return;
                EXPECT_LE(test::max_abs_diff(ours, peer), 1);  // stated tolerance: 1 code value
            }
}

// Y'CbCr -> R'G'B' (random luma, chroma flat in 16x16 patches) and R'G'B' -> NV12 (flat patches).
TEST(FfmpegPeer, SubsampledConversionsMatchZscale) {
    REQUIRE_FFMPEG();
    std::mt19937 rng(5);
    Frame i420 = Frame::allocate(PixelFormat::I420, 128, 64);
    test::fill_random(i420, 6);
    std::vector<int> cb(32), cr(32);
    for (int i = 0; i < 32; ++i) {
        cb[static_cast<size_t>(i)] = 40 + static_cast<int>(rng() % 176);
        cr[static_cast<size_t>(i)] = 40 + static_cast<int>(rng() % 176);
    }
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 64; ++x) {
            const size_t patch = static_cast<size_t>((y / 8) * 8 + x / 8);
            i420.data(1)[static_cast<size_t>(y) * i420.pitch(1) + x] = static_cast<uint8_t>(cb[patch]);
            i420.data(2)[static_cast<size_t>(y) * i420.pitch(2) + x] = static_cast<uint8_t>(cr[patch]);
        }
    for (MatrixCoefficients m : {MatrixCoefficients::SMPTE170M, MatrixCoefficients::BT709}) {
        i420.color.matrix = m;
        i420.color.range = ColorRange::Limited;
        FrameConverter conv;
        const Frame ours = conv.convert(i420, ConvertTarget{PixelFormat::RGB24, 0, 0, {}});
        const Frame peer = ffmpeg_filter(i420, std::string("zscale=min=") + zmatrix(m) + ":rin=limited:cin=center",
                                         PixelFormat::RGB24, 128, 64);
        if (peer.empty()) return;
        EXPECT_LE(max_patch_interior_diff(ours, peer, 16, 4), 1) << zmatrix(m);
    }
    std::vector<std::array<int, 3>> colours(64);
    for (auto& c : colours)
        for (int& v : c) v = static_cast<int>(rng() % 256);
    const Frame bgra = test::rgb_patches(PixelFormat::BGRA, 128, 64, 16,
                                         [&](int bx, int by) { return colours[static_cast<size_t>(by * 8 + bx)]; });
    FrameConverter conv;
    ConvertTarget t{PixelFormat::NV12, 0, 0, {}};
    t.color.matrix = MatrixCoefficients::BT709;
    const Frame ours = conv.convert(bgra, t);
    const Frame peer = ffmpeg_filter(bgra, "zscale=m=709:r=limited:c=center", PixelFormat::NV12, 128, 64);
    if (peer.empty()) return;
    EXPECT_LE(max_patch_interior_diff(ours, peer, 16, 4), 1);
}

TEST(FfmpegPeer, TenToEightBitMatchesZscale) {
    REQUIRE_FFMPEG();
    Frame p010 = Frame::allocate(PixelFormat::P010, 64, 32);
    test::fill_random(p010, 8);
    p010.color = ColorDescription::bt709();
    FrameConverter conv;
    const Frame ours = conv.convert(p010, ConvertTarget{PixelFormat::NV12, 0, 0, {}});
    const Frame peer = ffmpeg_filter(p010, "zscale=min=709:rin=limited:m=709:r=limited", PixelFormat::NV12, 64, 32);
    if (peer.empty()) return;
    EXPECT_LE(test::max_abs_diff(ours, peer), 1);
}

// Scaling with centre-sited chroma against zscale's bilinear and bicubic (b=0, c=0.5: Catmull-Rom;
// zscale's own default is b=c=1/3) filters; borders skipped (edge handling differs).
TEST(FfmpegPeer, ScalingMatchesZscale) {
    REQUIRE_FFMPEG();
    // Smooth content in [48, 208]: zimg clamps its integer intermediate between the two passes,
    // so overshoot near 0 or 255 (ringing on noise) would differ by design, not by error.
    Frame in = Frame::allocate(PixelFormat::I420, 192, 128);
    std::mt19937 rng(12);
    std::vector<int> grid(40 * 36);  // rows 0-11 luma, 11-22 Cb, 22-33 Cr
    for (int& g : grid) g = 48 + static_cast<int>(rng() % 161);
    for (int p = 0; p < 3; ++p) {
        const int w = p ? 96 : 192, h = p ? 64 : 128;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const double gx = x / 6.0, gy = y / 6.0;
                const int ix = static_cast<int>(gx), iy = static_cast<int>(gy);
                const double fx = gx - ix, fy = gy - iy;
                auto at = [&](int a, int b) { return grid[static_cast<size_t>((b + p * 11) * 40 + a)]; };
                const double v = (1 - fy) * ((1 - fx) * at(ix, iy) + fx * at(ix + 1, iy)) +
                                 fy * ((1 - fx) * at(ix, iy + 1) + fx * at(ix + 1, iy + 1));
                in.data(p)[static_cast<size_t>(y) * in.pitch(p) + x] = static_cast<uint8_t>(v + 0.5);
            }
    }
    struct Size { int w, h; };
    for (ScaleFilter f : {ScaleFilter::Bilinear, ScaleFilter::Bicubic})
        for (Size s : {Size{96, 64}, Size{288, 192}, Size{144, 96}, Size{64, 42}}) {
            SCOPED_TRACE(std::string(to_string(f)) + " -> " + std::to_string(s.w) + "x" + std::to_string(s.h));
            ConvertOptions o;
            o.filter = f;
            FrameConverter conv(o);
            const Frame ours = conv.convert(in, ConvertTarget{PixelFormat::I420, s.w, s.h, {}});
            const Frame peer = ffmpeg_filter(in,
                                             "zscale=w=" + std::to_string(s.w) + ":h=" + std::to_string(s.h) +
                                                 ":f=" + std::string(to_string(f)) +
                                                 (f == ScaleFilter::Bicubic ? ":param_a=0:param_b=0.5" : "") +
                                                 ":cin=center:c=center",
                                             PixelFormat::I420, s.w, s.h);
            if (peer.empty()) return;
            EXPECT_LE(test::max_abs_diff(ours, peer, 12), 1);
        }
}

// Builds a BT.2020 PQ P010 frame of flat 16x16 patches whose colours lie inside BT.709
// (so gamut clipping cannot differ), peak 1000 cd/m^2.
Frame pq_patches(int w, int h, uint32_t seed) {
    std::mt19937 rng(seed);
    const double to2020[9] = {0.6274, 0.3293, 0.0433, 0.0691, 0.9195, 0.0114, 0.0164, 0.0880, 0.8956};  // BT.2087
    Frame f = Frame::allocate(PixelFormat::P010, w, h);
    f.color = {ColorPrimaries::BT2020, TransferCharacteristics::PQ, MatrixCoefficients::BT2020_NCL, ColorRange::Limited};
    const gpu::Layout l = gpu::layout_of(PixelFormat::P010);
    gpu::PlaneSet ps;
    ps.data[1] = f.data(1);
    ps.pitch[1] = f.pitch(1);
    for (int by = 0; by < h / 16; ++by)
        for (int bx = 0; bx < w / 16; ++bx) {
            double lin709[3], lin[3], e[3];
            for (double& v : lin709) v = std::pow(10.0, 3.0 * (rng() % 1000) / 1000.0);  // 1 .. 1000 nits
            // keep every channel >= 1/20 of the brightest, so 10-bit PQ quantisation cannot push a
            // channel below zero after the gamut conversion back to BT.709
            const double top = std::fmax(std::fmax(lin709[0], lin709[1]), lin709[2]);
            for (double& v : lin709) v = std::fmax(v, top / 20);
            for (int r = 0; r < 3; ++r) lin[r] = to2020[3 * r] * lin709[0] + to2020[3 * r + 1] * lin709[1] + to2020[3 * r + 2] * lin709[2];
            for (int k = 0; k < 3; ++k) e[k] = test::model::pq_inverse(std::fmin(lin[k], 1000.0));
            const auto yuv = test::model::rgb_to_ycbcr(MatrixCoefficients::BT2020_NCL, e[0], e[1], e[2]);
            const int yc = test::model::clip_round(test::model::code_exact(yuv[0], 10, false, false), 10);
            const int cbc = test::model::clip_round(test::model::code_exact(yuv[1], 10, false, true), 10);
            const int crc = test::model::clip_round(test::model::code_exact(yuv[2], 10, false, true), 10);
            for (int y = 0; y < 16; ++y)
                for (int x = 0; x < 16; ++x)
                    gpu::write_sample(f.data(0) + static_cast<size_t>(by * 16 + y) * f.pitch(0), bx * 16 + x, l, yc);
            for (int y = 0; y < 8; ++y)
                for (int x = 0; x < 8; ++x) gpu::write_chroma(ps, l, bx * 8 + x, by * 8 + y, cbc, crc);
        }
    return f;
}

// PQ -> linear (npl 100) -> BT.709 primaries -> tonemap (max-RGB, desat 0, peak 10) -> BT.709
// NV12, against our converter with the same curve. ffmpeg's reinhard `param` p is a contrast
// that it turns into k = (1 - p) / p, so p = 2/3 is our k = 0.5. zimg encodes display light for
// SDR with the inverse BT.1886 EOTF, as we do. Stated tolerance: 2 code values (the
// chains quantise at different points: zimg's PQ and gamut steps are float, both end in 8 bits).
TEST(FfmpegPeer, ToneMappingMatchesZscaleTonemapChain) {
    REQUIRE_FFMPEG();
    const Frame hdr = pq_patches(256, 128, 31);
    struct Case { ToneCurve curve; const char* ff; };
    for (Case c : {Case{ToneCurve::Hable, "hable"}, Case{ToneCurve::Reinhard, "reinhard:param=0.6666667"},
                   Case{ToneCurve::Clip, "clip:param=1"}}) {
        SCOPED_TRACE(to_string(c.curve));
        ConvertOptions o;
        o.tonemap.curve = c.curve;
        o.tonemap.source_peak_nits = 1000;
        o.tonemap.target_peak_nits = 100;
        FrameConverter conv(o);
        const Frame ours = conv.convert(hdr, ConvertTarget{PixelFormat::NV12, 0, 0, {}});
        const std::string vf =
            "zscale=tin=smpte2084:min=2020_ncl:pin=2020:rin=limited:cin=center:t=linear:npl=100:p=2020:m=gbr,"
            "format=gbrpf32le,"
            "zscale=p=709,tonemap=tonemap=" + std::string(c.ff) + ":desat=0:peak=10,"
            "zscale=t=709:m=709:r=limited:c=center";
        const Frame peer = ffmpeg_filter(hdr, vf, PixelFormat::NV12, 256, 128);
        if (peer.empty()) return;
        EXPECT_LE(max_patch_interior_diff(ours, peer, 16, 4), 2);
    }
}

}  // namespace
}  // namespace nvcast
