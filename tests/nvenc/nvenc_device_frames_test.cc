// CUDA device frames go in by registration + mapping (no copy), with a registration cache.
#include "emu_env.h"

namespace nvcast::test {
namespace {

class NvencDeviceFrames : public EmuTest {};

TEST_F(NvencDeviceFrames, EncodesWithoutCopiesAndCachesRegistrations) {
    const EncoderConfig base = config();
    EncoderConfig cfg = base;
    cfg.input_format = PixelFormat::NV12;
    auto opened = open_encoder("nvenc", cfg);
    auto& enc = as_nvenc(*opened.encoder);
    const auto host = synthetic_frames(cfg.width, cfg.height, 15, PixelFormat::NV12);
    const auto packets = encode_from_device_surfaces(enc, host, 3);
    EXPECT_EQ(enc.registrations(), 3);  // three surfaces, each registered once
    ASSERT_EQ(packets.size(), host.size());
    TempDir dir;
    const auto decoded = decode_packets(dir.file("dev.h264"), cfg, packets);
    ASSERT_EQ(decoded.size(), host.size());
    EXPECT_GT(mean_psnr(synthetic_frames(cfg.width, cfg.height, 15), decoded), 35.0);
}

TEST_F(NvencDeviceFrames, RegistrationCacheRegistersEachSurfaceOnce) {
    EncoderConfig cfg = config();
    cfg.input_format = PixelFormat::NV12;
    const nvenc::Driver& driver = nvenc::load_driver();
    auto device = nvenc::DeviceContext::get(driver, 0);
    nvenc::NvencEncoder enc(cfg, nvenc::Options{});
    nvenc::ContextScope scope(*device);
    std::vector<DeviceSurface> surfaces(2);
    for (auto& s : surfaces) ASSERT_EQ(s.allocate_nv12(driver, 320, 240), CUDA_SUCCESS);
    for (int i = 0; i < 10; ++i) {
        enc.send_frame(surfaces[static_cast<size_t>(i) % 2].frame(320, 240), {});
        while (enc.receive_packet()) {
        }
    }
    enc.flush();
    EXPECT_EQ(enc.stats().submitted, 10);
    EXPECT_EQ(enc.stats().packets, 10);
    EXPECT_EQ(enc.registrations(), 2);
}

TEST_F(NvencDeviceFrames, NonContiguousOrForeignMemoryIsRefused) {
    EncoderConfig cfg = config();
    cfg.input_format = PixelFormat::NV12;
    auto opened = open_encoder("nvenc", cfg);
    const nvenc::Driver& driver = nvenc::load_driver();
    auto device = nvenc::DeviceContext::get(driver, 0);
    nvenc::ContextScope scope(*device);
    DeviceSurface y, uv;
    y.driver = uv.driver = &driver;
    ASSERT_EQ(driver.cuda.mem_alloc_pitch(&y.ptr, &y.pitch, 320, 240, 16), CUDA_SUCCESS);
    ASSERT_EQ(driver.cuda.mem_alloc_pitch(&uv.ptr, &uv.pitch, 320, 120, 16), CUDA_SUCCESS);
    Frame split = Frame::wrap(PixelFormat::NV12, 320, 240, MemoryType::Cuda,
                              {reinterpret_cast<uint8_t*>(y.ptr), reinterpret_cast<uint8_t*>(uv.ptr), nullptr},
                              {static_cast<int>(y.pitch), static_cast<int>(uv.pitch), 0});
    auto [code, message] = error_of([&] { opened.encoder->send_frame(split); });
    EXPECT_EQ(code, ErrorCode::Unsupported);
    EXPECT_NE(message.find("one allocation"), std::string::npos) << message;

    std::vector<uint8_t> host(512 * 360);  // host memory posing as device memory: the driver refuses it
    Frame foreign = Frame::wrap(PixelFormat::NV12, 320, 240, MemoryType::Cuda,
                                {host.data(), host.data() + 512 * 240, nullptr}, {512, 512, 0});
    auto [code2, message2] = error_of([&] { opened.encoder->send_frame(foreign); });
    EXPECT_NE(message2.find("NV_ENC_ERR_RESOURCE_REGISTER_FAILED"), std::string::npos) << message2;
    (void)code2;
}

}  // namespace
}  // namespace nvcast::test
