// What a backend can't do, or what a caller gets wrong, is a specific error.
#include <algorithm>

#include <gtest/gtest.h>

#include "backends/backend_cases.h"

namespace nvcast::test {
namespace {

// Runs `action`, expecting an Error with `code` whose message contains `needle`.
template <typename F>
void expect_error(F action, ErrorCode code, const std::string& needle) {
    try {
        action();
        FAIL() << "expected an error containing '" << needle << "'";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << e.what();
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

class BackendErrors : public ::testing::TestWithParam<BackendCase> {};

TEST_P(BackendErrors, WrongFramesAreRejected) {
    const EncoderConfig c = small_config(GetParam());
    auto enc = open_encoder(GetParam().backend, c).encoder;
    expect_error([&] { enc->send_frame(Frame::allocate(PixelFormat::I420, 64, 64)); }, ErrorCode::InvalidArgument,
                 "frame is 64x64 but the session was opened for 208x120");
    expect_error([&] { enc->send_frame(Frame::allocate(PixelFormat::BGRA, c.width, c.height)); }, ErrorCode::Unsupported,
                 "encodes YUV; frame format bgra must be converted");
    Frame host = Frame::allocate(PixelFormat::I420, c.width, c.height);
    Frame device = Frame::wrap(PixelFormat::I420, c.width, c.height, MemoryType::Cuda, {host.data(0), host.data(1), host.data(2)},
                               {host.pitch(0), host.pitch(1), host.pitch(2)});
    expect_error([&] { enc->send_frame(device); }, ErrorCode::InvalidArgument, "in CUDA memory");
    expect_error([&] { enc->send_frame(Frame::allocate(PixelFormat::I444, c.width, c.height)); },
                 ErrorCode::InvalidArgument, "is 4:4:4 but the session encodes 4:2:0");
    enc->send_frame(host);
    enc->flush();
    expect_error([&] { enc->send_frame(host); }, ErrorCode::InvalidState, "after flush");
}

TEST_P(BackendErrors, CodecBackendMismatchNamesBoth) {
    EncoderConfig c = small_config(GetParam());
    c.codec = GetParam().codec == Codec::H264 ? Codec::HEVC : Codec::H264;
    expect_error([&] { open_encoder(GetParam().backend, c); }, ErrorCode::Unsupported,
                 "backend '" + GetParam().backend + "' cannot encode " + std::string(to_string(c.codec)));
}

TEST_P(BackendErrors, BitrateChangeOnCqpSessionIsRefused) {
    auto enc = open_encoder(GetParam().backend, small_config(GetParam())).encoder;
    expect_error([&] { enc->set_bitrate(1'000'000); }, ErrorCode::Unsupported, "cannot change the bitrate");
}

INSTANTIATE_TEST_SUITE_P(Software, BackendErrors, ::testing::ValuesIn(software_backends()),
                         backend_param_name);

TEST(SvtAv1Errors, UnsupportedFeaturesAreNamed) {
    const auto cases = software_backends();
    auto it = std::find_if(cases.begin(), cases.end(), [](const BackendCase& c) { return c.backend == "svtav1"; });
    if (it == cases.end()) GTEST_SKIP() << "no svtav1 in this build";
    auto config = [&] { return small_config(*it); };
    EncoderConfig c = config();
    c.chroma = ChromaFormat::YUV444;
    c.input_format = PixelFormat::I444;
    expect_error([&] { open_encoder("svtav1", c); }, ErrorCode::Unsupported, "svtav1 cannot encode 4:4:4");
    c = config();
    c.tuning = Tuning::Lossless;
    expect_error([&] { open_encoder("svtav1", c); }, ErrorCode::Unsupported, "svtav1 cannot encode losslessly");
    c = config();
    c.width = 48;
    expect_error([&] { open_encoder("svtav1", c); }, ErrorCode::Unsupported, "at least 64x64");
    c = config();
    c.intra_refresh = true;
    expect_error([&] { open_encoder("svtav1", c); }, ErrorCode::Unsupported, "intra refresh");
    c = config();
    c.rc.mode = RateControlMode::CBR;
    auto enc = open_encoder("svtav1", c).encoder;
    expect_error([&] { enc->set_bitrate(100'000); }, ErrorCode::Unsupported, "change the bitrate mid-stream");
    FrameOptions idr;
    idr.force_idr = true;
    expect_error([&] { enc->send_frame(Frame::allocate(PixelFormat::I420, c.width, c.height), idr); },
                 ErrorCode::Unsupported, "force a key frame in low-delay");
}

TEST(X264Errors, ProfileThatDoesNotFit) {
    EncoderConfig c;
    c.width = 64;
    c.height = 64;
    c.bit_depth = 10;
    c.profile = "main";
    expect_error([&] { open_encoder("x264", c); }, ErrorCode::InvalidArgument, "profile 'main' does not fit");
}

TEST(AutoSelection, SaysWhatItPickedAndWhy) {
    for (const BackendCase& b : software_backends()) {
        const auto opened = open_encoder("auto", small_config(b));
        EXPECT_NE(opened.selection.find("auto: picked"), std::string::npos) << opened.selection;
        EXPECT_EQ(opened.encoder->config().codec, b.codec);
    }
}

}  // namespace
}  // namespace nvcast::test
