// FrameConverter API: colour resolution, pooling, paths and clear errors on bad input.
#include <gtest/gtest.h>

#include "gpu_test_util.h"
#include "nvcast/convert.h"
#include "nvcast/quality.h"
#include "nvcast/error.h"

namespace nvcast {
namespace {

template <typename Fn>
std::string error_of(Fn&& fn, ErrorCode expected) {
    try {
        fn();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), expected) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "no error thrown";
    return {};
}

TEST(FrameConverter, HostFramesRunTheCpuReferenceAndPoolBuffers) {
    FrameConverter conv;
    EXPECT_EQ(conv.last_path(), ConvertPath::None);
    Frame in = Frame::allocate(PixelFormat::BGRA, 320, 180);
    test::fill_random(in, 1);
    for (int i = 0; i < 20; ++i) {
        Frame out = conv.convert(in, ConvertTarget{PixelFormat::I420, 160, 90, {}});
        EXPECT_EQ(out.width(), 160);
        EXPECT_EQ(out.format(), PixelFormat::I420);
        EXPECT_EQ(out.memory(), MemoryType::Host);
        EXPECT_EQ(conv.last_path(), ConvertPath::Cpu);
    }
    // one output + one intermediate, reused in steady state
    EXPECT_LE(conv.pool_allocations(), 2u);
}

TEST(FrameConverter, ConvertIntoCallerFrameMatchesPooledResult) {
    Frame in = Frame::allocate(PixelFormat::RGB24, 64, 32);
    test::fill_random(in, 2);
    FrameConverter conv;
    Frame pooled = conv.convert(in, ConvertTarget{PixelFormat::NV12, 0, 0, {}});
    Frame mine = Frame::allocate(PixelFormat::NV12, 64, 32, 128);
    conv.convert(in, mine);
    EXPECT_TRUE(frames_equal(pooled, mine));
    EXPECT_EQ(mine.color.matrix, MatrixCoefficients::BT709);
    EXPECT_EQ(mine.color.range, ColorRange::Limited);
}

TEST(FrameConverter, SameFormatCopyLabelsTheOutputColour) {
    Frame rgb = Frame::allocate(PixelFormat::BGRA, 16, 8);
    rgb.color.matrix = MatrixCoefficients::BT709;  // meaningless on RGB; the output says RGB
    FrameConverter conv;
    const Frame out = conv.convert(rgb, ConvertTarget{PixelFormat::BGRA, 0, 0, {}});
    EXPECT_EQ(out.color.matrix, MatrixCoefficients::RGB);
    EXPECT_EQ(out.color.range, ColorRange::Full);
    EXPECT_EQ(test::max_abs_diff(rgb, out), 0);
}

TEST(FrameConverter, OutputColourDefaults) {
    Frame yuv = Frame::allocate(PixelFormat::NV12, 16, 16);
    yuv.color = {ColorPrimaries::BT470BG, TransferCharacteristics::SMPTE170M, MatrixCoefficients::SMPTE170M,
                 ColorRange::Full};
    const ColorDescription c = FrameConverter::resolve_output_color(yuv, PixelFormat::I420, {}, {});
    EXPECT_EQ(c, yuv.color);  // nothing asked: everything inherited
    ToneMapOptions tm;
    tm.curve = ToneCurve::Hable;
    Frame hdr = Frame::allocate(PixelFormat::P010, 16, 16);
    hdr.color = {ColorPrimaries::BT2020, TransferCharacteristics::PQ, MatrixCoefficients::BT2020_NCL, ColorRange::Limited};
    EXPECT_EQ(FrameConverter::resolve_output_color(hdr, PixelFormat::NV12, {}, tm), ColorDescription::bt709());
}

TEST(FrameConverter, NamesParse) {
    EXPECT_EQ(parse_tone_curve("bt2390"), ToneCurve::Bt2390);
    EXPECT_EQ(parse_tone_curve("hable"), ToneCurve::Hable);
    EXPECT_EQ(parse_scale_filter("area"), ScaleFilter::Area);
    EXPECT_NE(error_of([] { parse_tone_curve("aces"); }, ErrorCode::InvalidArgument).find("bt2390"), std::string::npos);
    EXPECT_NE(error_of([] { parse_scale_filter("lanczos"); }, ErrorCode::InvalidArgument).find("bicubic"), std::string::npos);
}

TEST(FrameConverterErrors, OddSizesForSubsampledFormats) {
    Frame in = Frame::allocate(PixelFormat::BGRA, 63, 32);
    FrameConverter conv;
    const std::string msg =
        error_of([&] { conv.convert(in, ConvertTarget{PixelFormat::NV12, 0, 0, {}}); }, ErrorCode::InvalidArgument);
    EXPECT_NE(msg.find("63x32"), std::string::npos) << msg;
    EXPECT_NE(msg.find("even"), std::string::npos) << msg;
    // 4:4:4 targets take odd sizes
    EXPECT_NO_THROW(conv.convert(in, ConvertTarget{PixelFormat::I444, 0, 0, {}}));
    // a 4:2:0 intermediate at an odd input size cannot be made either
    const std::string m2 =
        error_of([&] { conv.convert(in, ConvertTarget{PixelFormat::NV12, 32, 16, {}}); }, ErrorCode::InvalidArgument);
    EXPECT_NE(m2.find("even"), std::string::npos) << m2;
}

TEST(FrameConverterErrors, MisalignedPitchAndPointer) {
    std::vector<uint8_t> buf(4096 * 4);
    FrameConverter conv;
    Frame out = Frame::allocate(PixelFormat::I420, 32, 16);
    Frame bad_pitch = Frame::wrap(PixelFormat::BGRA, 32, 16, MemoryType::Host, {buf.data(), nullptr, nullptr}, {130, 0, 0});
    std::string msg = error_of([&] { conv.convert(bad_pitch, out); }, ErrorCode::InvalidArgument);
    EXPECT_NE(msg.find("pitch 130"), std::string::npos) << msg;
    EXPECT_NE(msg.find("multiple of 4"), std::string::npos) << msg;
    Frame bad_ptr = Frame::wrap(PixelFormat::P010, 32, 16, MemoryType::Host, {buf.data() + 1, buf.data() + 2048, nullptr},
                                {64, 64, 0});
    msg = error_of([&] { conv.convert(bad_ptr, out); }, ErrorCode::InvalidArgument);
    EXPECT_NE(msg.find("aligned"), std::string::npos) << msg;
}

TEST(FrameConverterErrors, FramesInTheWrongMemory) {
    std::vector<uint8_t> buf(64 * 64 * 4);
    Frame device = Frame::wrap(PixelFormat::BGRA, 32, 16, MemoryType::Cuda, {buf.data(), nullptr, nullptr}, {128, 0, 0});
    Frame host = Frame::allocate(PixelFormat::NV12, 32, 16);
    FrameConverter conv;
    const std::string msg = error_of([&] { conv.convert(device, host); }, ErrorCode::InvalidArgument);
    EXPECT_NE(msg.find("CUDA device memory"), std::string::npos) << msg;
    EXPECT_NE(msg.find("host memory"), std::string::npos) << msg;
    if (!FrameConverter::gpu_available()) {
        const std::string m2 =
            error_of([&] { conv.convert(device, ConvertTarget{PixelFormat::NV12, 0, 0, {}}); }, ErrorCode::Unavailable);
        EXPECT_NE(m2.find("CUDA"), std::string::npos) << m2;
    }
}

TEST(FrameConverterErrors, UnsupportedRequests) {
    FrameConverter conv;
    Frame rgb = Frame::allocate(PixelFormat::BGRA, 32, 16);
    // packed RGB -> packed RGB with a size change
    std::string msg =
        error_of([&] { conv.convert(rgb, ConvertTarget{PixelFormat::RGBA, 64, 32, {}}); }, ErrorCode::Unsupported);
    EXPECT_NE(msg.find("packed RGB"), std::string::npos) << msg;
    // tone mapping an SDR input
    ConvertOptions o;
    o.tonemap.curve = ToneCurve::Hable;
    FrameConverter tm(o);
    Frame sdr = Frame::allocate(PixelFormat::NV12, 32, 16);
    sdr.color = ColorDescription::bt709();
    msg = error_of([&] { tm.convert(sdr, ConvertTarget{PixelFormat::NV12, 0, 0, {}}); }, ErrorCode::Unsupported);
    EXPECT_NE(msg.find("PQ or HLG"), std::string::npos) << msg;
    // changing the transfer without tone mapping
    Frame hdr = Frame::allocate(PixelFormat::P010, 32, 16);
    hdr.color = {ColorPrimaries::BT2020, TransferCharacteristics::PQ, MatrixCoefficients::BT2020_NCL, ColorRange::Limited};
    msg = error_of([&] { conv.convert(hdr, ConvertTarget{PixelFormat::NV12, 0, 0, ColorDescription::bt709()}); },
                   ErrorCode::Unsupported);
    EXPECT_NE(msg.find("tone mapping"), std::string::npos) << msg;
    // bad tone-mapping parameters
    ConvertOptions bad;
    bad.tonemap.curve = ToneCurve::Bt2390;
    bad.tonemap.source_peak_nits = 80;
    error_of([&] { FrameConverter c(bad); }, ErrorCode::InvalidArgument);
    // empty input
    error_of([&] { conv.convert(Frame(), ConvertTarget{}); }, ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace nvcast
