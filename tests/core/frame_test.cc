#include <cmath>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace nvcast {
namespace {

TEST(Frame, AllocatesAlignedPlanes) {
    Frame f = Frame::allocate(PixelFormat::NV12, 100, 50);
    EXPECT_EQ(f.plane_count(), 2);
    EXPECT_EQ(f.pitch(0) % 64, 0);
    EXPECT_GE(f.pitch(0), 100);
    EXPECT_EQ(plane_rows(PixelFormat::NV12, 50, 1), 25);
    EXPECT_EQ(plane_row_bytes(PixelFormat::P010, 100, 1), 200u);
    EXPECT_EQ(frame_size_bytes(PixelFormat::I420, 4, 2), 12u);
    EXPECT_THROW(Frame::allocate(PixelFormat::I420, 0, 10), Error);
}

TEST(Frame, WrapChecksPitchAndPointers) {
    std::vector<uint8_t> buf(64 * 64 * 4);
    EXPECT_NO_THROW(Frame::wrap(PixelFormat::BGRA, 16, 16, MemoryType::Host, {buf.data()}, {64}));
    EXPECT_THROW(Frame::wrap(PixelFormat::BGRA, 16, 16, MemoryType::Host, {buf.data()}, {32}), Error);
    EXPECT_THROW(Frame::wrap(PixelFormat::I420, 16, 16, MemoryType::Host, {buf.data(), nullptr, nullptr}, {16, 8, 8}),
                 Error);
}

TEST(Frame, LayoutConversionRoundTrips) {
    const auto frames = test::synthetic_frames(64, 48, 1, PixelFormat::NV12);
    Frame i420, back;
    convert_yuv_layout(frames[0], PixelFormat::I420, i420);
    convert_yuv_layout(i420, PixelFormat::NV12, back);
    EXPECT_TRUE(frames_equal(frames[0], back));

    const auto p010 = test::synthetic_frames(64, 48, 1, PixelFormat::P010);
    Frame planar10, p010_back;
    convert_yuv_layout(p010[0], PixelFormat::I420_10, planar10);
    // P010 keeps samples in the top 10 bits; planar 10-bit in the bottom.
    EXPECT_EQ(reinterpret_cast<const uint16_t*>(planar10.data(0))[0],
              reinterpret_cast<const uint16_t*>(p010[0].data(0))[0] >> 6);
    convert_yuv_layout(planar10, PixelFormat::P010, p010_back);
    EXPECT_TRUE(frames_equal(p010[0], p010_back));
    Frame wrong;
    EXPECT_THROW(convert_yuv_layout(frames[0], PixelFormat::I444, wrong), Error);
}

TEST(Psnr, IdenticalIsCappedAndKnownErrorMatchesFormula) {
    auto frames = test::synthetic_frames(32, 32, 1);
    Frame copy = Frame::allocate(PixelFormat::I420, 32, 32);
    copy_frame_pixels(frames[0], copy);
    EXPECT_DOUBLE_EQ(compute_psnr(frames[0], copy).average, 100.0);
    // Every luma sample off by 2: MSE 4 -> PSNR = 10 log10(255^2 / 4).
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x) {
            uint8_t& v = copy.data(0)[y * copy.pitch(0) + x];
            v = static_cast<uint8_t>(v >= 128 ? v - 2 : v + 2);
        }
    const Psnr p = compute_psnr(frames[0], copy);
    EXPECT_NEAR(p.y, 10 * std::log10(255.0 * 255.0 / 4), 1e-9);
    EXPECT_DOUBLE_EQ(p.u, 100.0);
}

}  // namespace
}  // namespace nvcast
