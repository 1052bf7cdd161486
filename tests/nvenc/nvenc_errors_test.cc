// Every error path of the nvenc backend produces a specific, actionable message.
#include "emu_env.h"

namespace nvcast::test {
namespace {

class NvencErrors : public EmuTest {};

BackendInfo nvenc_info() {
    for (const BackendInfo& info : probe_backends())
        if (info.name == "nvenc") return info;
    return {};
}

TEST_F(NvencErrors, NoDriverIsUnavailableAndNamesTheLibrary) {
    ::setenv("NVCAST_NVENC_LIBRARY", "/nonexistent/libnvidia-encode.so.1", 1);
    const BackendInfo info = nvenc_info();
    EXPECT_FALSE(info.available);
    EXPECT_NE(info.reason.find("the NVIDIA driver has no NVENC library"), std::string::npos) << info.reason;
    EXPECT_NE(info.reason.find("/nonexistent/libnvidia-encode.so.1"), std::string::npos) << info.reason;
    auto [code, message] = error_of([&] { open_encoder("nvenc", config()); });
    EXPECT_EQ(code, ErrorCode::Unavailable);
    EXPECT_NE(message.find("not available"), std::string::npos) << message;
    EXPECT_NE(message.find("install the driver's encode package"), std::string::npos) << message;  // CUDA is there
    ::setenv("NVCAST_CUDA_LIBRARY", "/nonexistent/libcuda.so.1", 1);
    const BackendInfo none = nvenc_info();
    EXPECT_NE(none.reason.find("no NVIDIA driver: cannot load the CUDA driver"), std::string::npos) << none.reason;
}

TEST_F(NvencErrors, GpuWithoutNvencIsNamed) {
    faults("no_encoder,gpu_name=NVIDIA H200");
    const BackendInfo info = nvenc_info();
    EXPECT_FALSE(info.available);
    EXPECT_NE(info.reason.find("'NVIDIA H200'"), std::string::npos) << info.reason;
    EXPECT_NE(info.reason.find("has no NVENC engine"), std::string::npos) << info.reason;
    auto [code, message] = error_of([&] { nvenc::NvencEncoder(config(), nvenc::Options{}); });
    EXPECT_EQ(code, ErrorCode::Unavailable);
    EXPECT_NE(message.find("this GPU 'NVIDIA H200' (CUDA device 0) has no NVENC engine"), std::string::npos) << message;
}

TEST_F(NvencErrors, AutoFallsBackWithOneLineReason) {
    faults("no_encoder,gpu_name=NVIDIA H200");
    auto opened = open_encoder("auto", config());
    EXPECT_NE(opened.encoder->backend_name(), "nvenc");
    EXPECT_NE(opened.selection.find("nvenc: "), std::string::npos) << opened.selection;
    EXPECT_NE(opened.selection.find("NVIDIA H200"), std::string::npos) << opened.selection;
    EXPECT_EQ(opened.selection.find('\n'), std::string::npos);
}

TEST_F(NvencErrors, AutoDeviceSkipsAGpuWithoutNvencAndSessionsShareAContext) {
    ::setenv("NVCAST_EMU_DEVICES", "2", 1);
    faults("no_encoder_device=0");
    const BackendInfo info = nvenc_info();
    ASSERT_TRUE(info.available) << info.reason;
    EXPECT_NE(info.description.find("(CUDA device 1"), std::string::npos) << info.description;
    nvenc::NvencEncoder a(config(), nvenc::Options{});
    nvenc::NvencEncoder b(config(Codec::HEVC), nvenc::Options{});
    EXPECT_EQ(a.gpu_name(), "nvcast emulated NVENC GPU 1");
    auto device = nvenc::DeviceContext::get(nvenc::load_driver(), 1);
    EXPECT_EQ(device->sessions.load(), 2);  // both sessions on the one shared context
    auto [code, message] = error_of([&] {
        nvenc::Options o;
        o.device = 0;
        nvenc::NvencEncoder c(config(), o);
    });
    EXPECT_EQ(code, ErrorCode::Unavailable);
    EXPECT_NE(message.find("(CUDA device 0) has no NVENC engine"), std::string::npos) << message;
    EncoderConfig on_gpu5 = config();
    on_gpu5.gpu = 5;
    auto [code2, message2] = error_of([&] { open_encoder("nvenc", on_gpu5); });
    EXPECT_EQ(code2, ErrorCode::InvalidArgument);
    EXPECT_NE(message2.find("CUDA device 5 does not exist (2 device(s) found)"), std::string::npos) << message2;
    EncoderConfig bad = config();
    bad.gpu = 64;
    auto [code3, message3] = error_of([&] { open_encoder("nvenc", bad); });
    EXPECT_EQ(code3, ErrorCode::InvalidArgument);
    EXPECT_NE(message3.find("gpu"), std::string::npos) << message3;
    bad.gpu = 0;
    bad.backend_options["nvenc.output_delay"] = "many";
    auto [code4, message4] = error_of([&] { open_encoder("nvenc", bad); });
    EXPECT_EQ(code4, ErrorCode::InvalidArgument);
    EXPECT_NE(message4.find("nvenc.output_delay='many' is invalid (allowed: 0..16)"), std::string::npos) << message4;
    bad.backend_options = {{"nvenc.colour", "blue"}};
    auto [code5, message5] = error_of([&] { open_encoder("nvenc", bad); });
    EXPECT_EQ(code5, ErrorCode::InvalidArgument);
    EXPECT_NE(message5.find("nvenc has no option 'colour' (it has: output_delay, fallback)"), std::string::npos)
        << message5;
    bad.backend_options = {{"qsv.preset", "1"}};
    auto [code6, message6] = error_of([&] { open_encoder("auto", bad); });
    EXPECT_EQ(code6, ErrorCode::InvalidArgument);
    EXPECT_NE(message6.find("this build has no backend 'qsv'"), std::string::npos) << message6;
}

TEST_F(NvencErrors, DriverTooOldNamesApiAndDriverVersion) {
    ::setenv("NVCAST_EMU_API_VERSION", "9.1", 1);
    auto [code, message] = error_of([&] { nvenc::NvencEncoder(config(), nvenc::Options{}); });
    EXPECT_EQ(code, ErrorCode::Unavailable);
    EXPECT_NE(message.find("driver supports API 9.1, need 10.0 for H.264: driver >= 450.51"), std::string::npos)
        << message;
    EXPECT_FALSE(nvenc_info().available);
}

TEST_F(NvencErrors, Av1NeedsApi12) {
    ::setenv("NVCAST_EMU_API_VERSION", "11.0", 1);
    EncoderConfig cfg = config(Codec::AV1);
    auto [code, message] = error_of([&] { nvenc::NvencEncoder(cfg, nvenc::Options{}); });
    EXPECT_EQ(code, ErrorCode::Unavailable);
    EXPECT_NE(message.find("driver supports API 11.0, need 12.0 for AV1: driver >= 520.56"), std::string::npos)
        << message;
}

TEST_F(NvencErrors, Av1OnAGpuWithoutAnAv1Encoder) {
    faults("no_av1,gpu_name=Emulated RTX 3080");
    auto [code, message] = error_of([&] { nvenc::NvencEncoder(config(Codec::AV1), nvenc::Options{}); });
    EXPECT_EQ(code, ErrorCode::Unsupported);
    EXPECT_NE(message.find("the NVENC engine of 'Emulated RTX 3080' cannot encode av1"), std::string::npos) << message;
    const BackendInfo info = nvenc_info();
    EXPECT_TRUE(info.available) << info.reason;
    EXPECT_NE(info.description.find("AV1: not on this GPU"), std::string::npos) << info.description;
}

TEST_F(NvencErrors, ConcurrentSessionLimit) {
    faults("session_limit=2");
    auto a = open_encoder("nvenc", config());
    auto b = open_encoder("nvenc", config());
    auto [code, message] = error_of([&] { open_encoder("nvenc", config()); });
    EXPECT_EQ(code, ErrorCode::ResourceExhausted);
    EXPECT_NE(message.find("concurrent NVENC session limit reached"), std::string::npos) << message;
    EXPECT_NE(message.find("2 nvcast session(s) already open"), std::string::npos) << message;
    b.encoder.reset();
    EXPECT_NO_THROW(open_encoder("nvenc", config()));  // a slot freed up
}

TEST_F(NvencErrors, OutOfMemoryAtOpen) {
    faults("oom_at_open");
    auto [code, message] = error_of([&] { nvenc::NvencEncoder(config(), nvenc::Options{}); });
    EXPECT_EQ(code, ErrorCode::ResourceExhausted);
    EXPECT_NE(message.find("out of GPU memory opening an NVENC session"), std::string::npos) << message;
}

TEST_F(NvencErrors, FeaturesCheckedAgainstCapsEachWithItsMessage) {
    struct Case {
        const char* what;
        EncoderConfig cfg;
        const char* expect;
    };
    std::vector<Case> cases;
    EncoderConfig c = config();
    c.bit_depth = 10;
    c.input_format = PixelFormat::P010;
    cases.push_back({"10-bit h264", c, "10-bit h264 encoding is not supported (NVENC encodes 10-bit as HEVC"});
    c = config(Codec::H264, 8192, 4320);
    cases.push_back({"too large", c, "8192x4320 is outside the h264 encoder's size range 145x49..4096x4096"});
    c = config(Codec::H264, 128, 32);
    cases.push_back({"too small", c, "128x32 is outside the h264 encoder's size range"});
    c = config();
    c.b_frames = 6;
    cases.push_back({"b-frames", c, "6 B-frames requested, the h264 encoder allows at most 4"});
    c = config();
    c.slices = 64;
    cases.push_back({"slices", c, "64 slices requested, at most 32"});
    for (const Case& k : cases) {
        auto [code, message] = error_of([&] { open_encoder("nvenc", k.cfg); });
        EXPECT_EQ(code, ErrorCode::Unsupported) << k.what;
        EXPECT_NE(message.find(k.expect), std::string::npos) << k.what << ": " << message;
        EXPECT_NE(message.find("nvcast emulated NVENC GPU 0"), std::string::npos) << k.what << ": " << message;
    }
}

TEST_F(NvencErrors, BadFramesAndCallOrder) {
    auto opened = open_encoder("nvenc", config());
    const auto wrong_size = synthetic_frames(160, 120, 1);
    auto [code, message] = error_of([&] { opened.encoder->send_frame(wrong_size[0]); });
    EXPECT_EQ(code, ErrorCode::InvalidArgument);
    EXPECT_NE(message.find("frame is 160x120 i420, the session expects 320x240 i420"), std::string::npos) << message;
    const auto ok = synthetic_frames(320, 240, 1);
    opened.encoder->send_frame(ok[0]);
    opened.encoder->flush();
    auto [code2, message2] = error_of([&] { opened.encoder->send_frame(ok[0]); });
    EXPECT_EQ(code2, ErrorCode::InvalidState);
    EXPECT_NE(message2.find("after flush"), std::string::npos);
    auto& enc = as_nvenc(*opened.encoder);
    EXPECT_EQ(enc.stats().submitted, 1);
}

TEST_F(NvencErrors, BitrateChangeOnCqpIsRefused) {
    auto opened = open_encoder("nvenc", config());
    auto [code, message] = error_of([&] { opened.encoder->set_bitrate(1'000'000); });
    EXPECT_EQ(code, ErrorCode::Unsupported);
    EXPECT_NE(message.find("open it with cbr or vbr"), std::string::npos) << message;
}

TEST_F(NvencErrors, StatusMessagesCoverEveryStatus) {
    nvenc::FailureContext ctx;
    ctx.gpu_name = "GPU X";
    ctx.device = 1;
    for (int s = 1; s <= NV_ENC_ERR_RESOURCE_NOT_MAPPED; ++s) {
        const auto status = static_cast<NVENCSTATUS>(s);
        const std::string m = nvenc::status_message(status, "call", ctx);
        EXPECT_NE(m.find(nvenc::status_name(status)), std::string::npos) << m;
        EXPECT_EQ(std::string(nvenc::status_name(status)).find("unknown"), std::string::npos);
    }
    EXPECT_EQ(nvenc::error_code_for(NV_ENC_ERR_DEVICE_NOT_EXIST, ctx), ErrorCode::DeviceLost);
    EXPECT_EQ(nvenc::error_code_for(NV_ENC_ERR_OUT_OF_MEMORY, ctx), ErrorCode::ResourceExhausted);
    EXPECT_EQ(nvenc::error_code_for(NV_ENC_ERR_UNSUPPORTED_DEVICE, ctx), ErrorCode::Unavailable);
}

}  // namespace
}  // namespace nvcast::test

namespace nvcast::test {
namespace {

// Issue 13, finding 6, through the real binary: at NVENC's size limits a stream decodes at the
// requested size, or the refusal names the range.
TEST_F(NvencErrors, SizesAtTheLimitsEncodeOrNameTheRange) {
    struct Case {
        const char* codec;
        const char* size;
        const char* refusal;
    };
    for (const Case& c : {Case{"h264", "146x50", nullptr}, Case{"h264", "144x48", "size range 145x49..4096x4096"},
                          Case{"h264", "8192x64", "size range 145x49..4096x4096"}, Case{"hevc", "144x48", nullptr},
                          Case{"hevc", "8192x64", nullptr}, Case{"hevc", "64x8192", "size range 129x33..8192x8192"}}) {
        TempDir dir;
        const auto r = run_cli("-q encode synthetic:" + std::string(c.size) + "@30:2 -b nvenc -c " + c.codec + " -o " +
                               dir.file("out.mkv"));
        if (c.refusal) {
            EXPECT_EQ(r.exit_code, 1) << c.size << ": " << r.output;
            EXPECT_NE(r.output.find(c.refusal), std::string::npos) << r.output;
            continue;
        }
        ASSERT_EQ(r.exit_code, 0) << c.size << ": " << r.output;
        const auto frames = decode_all(dir.file("out.mkv"));
        ASSERT_EQ(frames.size(), 2u) << c.size;
        EXPECT_EQ(std::to_string(frames[0].width()) + "x" + std::to_string(frames[0].height()), c.size);
    }
}

}  // namespace
}  // namespace nvcast::test
