// nvh264 bad input: clear nvcast::Error with a specific message, never a crash.
#include <gtest/gtest.h>

#include <string>

#include "backends/backends.h"
#include "nvh264_test_util.h"

namespace nvcast::test {
namespace {

// Runs `fn`, expects an nvcast::Error with `code` whose message contains every fragment.
template <typename Fn>
void expect_error(Fn fn, ErrorCode code, std::initializer_list<const char*> fragments) {
    try {
        fn();
        ADD_FAILURE() << "no error thrown";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << e.what();
        for (const char* f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
    }
}

TEST(nvh264Input, SizeBeyondLevel52IsRejected) {
    EncoderConfig c = nvh264_config(8192, 4320, 28);  // 8K: 34560 MBs, but 512 MB-wide rows... and 270 high
    c.width = 8704;  // 544 macroblocks wide: beyond sqrt(8 * 36864)
    c.height = 2160;
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::InvalidArgument, {"Level 5.2", "8704x2160"});
    c.width = 7680;
    c.height = 4320;  // 480 x 270 = 129600 macroblocks
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::InvalidArgument, {"Level 5.2", "36864"});
    // Through the public API as well.
    expect_error([&] { open_encoder("nvh264", c); }, ErrorCode::InvalidArgument, {"nvh264", "Level 5.2"});
    // 4096x2304 is the largest 16:9 size at 5.2 and is accepted.
    c.width = 4096;
    c.height = 2304;
    EXPECT_NO_THROW(nvh264::NvH264Encoder e(c));
}

TEST(nvh264Input, UnsupportedFormatsAreRejected) {
    for (PixelFormat f : {PixelFormat::P010, PixelFormat::I444, PixelFormat::BGRA, PixelFormat::I420_10}) {
        EncoderConfig c = nvh264_config(64, 48, 28);
        c.input_format = f;
        expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::Unsupported,
                     {"input format", std::string(to_string(f)).c_str(), "i420, nv12"});
    }
    EncoderConfig c = nvh264_config(64, 48, 28);
    c.bit_depth = 10;
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::Unsupported, {"bit_depth 10"});
    c = nvh264_config(64, 48, 28);
    c.b_frames = 2;
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::Unsupported, {"b_frames 2"});
    c = nvh264_config(64, 48, 28);
    c.codec = Codec::HEVC;
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::Unsupported, {"H.264 only"});
    c = nvh264_config(64, 48, 28);
    c.profile = "high";
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::Unsupported, {"profile 'high'"});
}

TEST(nvh264Input, BadQpRangesAreRejected) {
    EncoderConfig c = nvh264_config(64, 48, 52);
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::InvalidArgument, {"rc.qp 52", "0..51"});
    c.rc.qp = -1;
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::InvalidArgument, {"rc.qp -1"});
    c.rc.qp = 28;
    nvh264::Options o;
    o.qp_min = 40;
    o.qp_max = 30;
    expect_error([&] { nvh264::NvH264Encoder e(c, o); }, ErrorCode::InvalidArgument, {"QP range 40..30"});
    o.qp_min = 0;
    o.qp_max = 60;
    expect_error([&] { nvh264::NvH264Encoder e(c, o); }, ErrorCode::InvalidArgument, {"QP range 0..60"});
    c.rc.mode = RateControlMode::CBR;
    c.rc.bitrate = 0;
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::InvalidArgument, {"rc.bitrate"});
}

TEST(nvh264Input, OtherBadConfigsAndFrames) {
    EncoderConfig c = nvh264_config(64, 48, 28);
    c.slices = 4;  // only 3 macroblock rows
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::InvalidArgument, {"slices 4", "1..3"});
    c = nvh264_config(66, 48, 28);
    c.width = 65;
    expect_error([&] { nvh264::NvH264Encoder e(c); }, ErrorCode::InvalidArgument, {"65x48"});

    nvh264::NvH264Encoder enc(nvh264_config(64, 48, 28));
    const Frame wrong_size = Frame::allocate(PixelFormat::I420, 32, 32);
    expect_error([&] { enc.send_frame(wrong_size); }, ErrorCode::InvalidArgument, {"32x32", "64x48"});
    const Frame wrong_format = Frame::allocate(PixelFormat::NV12, 64, 48);
    expect_error([&] { enc.send_frame(wrong_format); }, ErrorCode::InvalidArgument, {"nv12", "i420"});
    expect_error([&] { enc.set_bitrate(0); }, ErrorCode::InvalidArgument, {"set_bitrate(0"});
    enc.flush();
    const Frame ok = Frame::allocate(PixelFormat::I420, 64, 48);
    expect_error([&] { enc.send_frame(ok); }, ErrorCode::InvalidState, {"after flush"});
}

TEST(nvh264Input, BackendIsRegisteredAndProbes) {
    const BackendInfo info = nvh264_backend().probe();
    EXPECT_EQ(info.name, "nvh264");
    EXPECT_TRUE(info.available);
    ASSERT_EQ(info.codecs.size(), 1u);
    EXPECT_EQ(info.codecs[0].codec, Codec::H264);
    EXPECT_TRUE(info.codecs[0].caps.zero_latency);
    EncoderConfig c = nvh264_config(64, 48, 28);
    auto opened = open_encoder("nvh264", c);
    ASSERT_TRUE(opened.encoder);
    EXPECT_EQ(opened.encoder->backend_name(), "nvh264");
    const std::vector<uint8_t> headers = opened.encoder->codec_headers();
    const auto nals = split_annexb(headers);
    ASSERT_EQ(nals.size(), 2u);
    EXPECT_EQ(h264_nal_type(nals[0]), h264_nal::kSps);
    EXPECT_EQ(h264_nal_type(nals[1]), h264_nal::kPps);
}

}  // namespace
}  // namespace nvcast::test
