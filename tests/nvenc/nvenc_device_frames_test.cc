// CUDA device frames go in by registration + mapping (no copy), with a registration cache.
#include "emu_env.h"

namespace nvcast::test {
namespace {

class NvencDeviceFrames : public EmuTest {};

// NV12 surfaces in (emulated) device memory: one allocation, UV right after Y.
struct DeviceSurface {
    const nvenc::Driver* driver = nullptr;
    CUdeviceptr ptr = 0;
    size_t pitch = 0;
    ~DeviceSurface() {
        if (ptr) driver->cuda.mem_free(ptr);
    }
};

TEST_F(NvencDeviceFrames, EncodesWithoutCopiesAndCachesRegistrations) {
    const EncoderConfig base = config();
    EncoderConfig cfg = base;
    cfg.input_format = PixelFormat::NV12;
    auto opened = open_encoder("nvenc", cfg);
    auto& enc = as_nvenc(*opened.encoder);
    const nvenc::Driver& driver = nvenc::load_driver();
    auto device = nvenc::DeviceContext::get(driver, 0);
    nvenc::ContextScope scope(*device);
    std::vector<DeviceSurface> surfaces(3);
    for (auto& s : surfaces) {
        s.driver = &driver;
        ASSERT_EQ(driver.cuda.mem_alloc_pitch(&s.ptr, &s.pitch, static_cast<size_t>(cfg.width),
                                              static_cast<size_t>(cfg.height) * 3 / 2, 16),
                  CUDA_SUCCESS);
    }
    const auto host = synthetic_frames(cfg.width, cfg.height, 15, PixelFormat::NV12);
    std::vector<Packet> packets;
    for (size_t i = 0; i < host.size(); ++i) {
        DeviceSurface& s = surfaces[i % surfaces.size()];
        for (int plane = 0; plane < 2; ++plane) {  // upload: what a GPU pipeline would have rendered
            CUDA_MEMCPY2D copy{};
            copy.srcMemoryType = static_cast<CUmemorytype>(1);
            copy.srcHost = host[i].data(plane);
            copy.srcPitch = static_cast<size_t>(host[i].pitch(plane));
            copy.dstMemoryType = static_cast<CUmemorytype>(2);
            copy.dstDevice = s.ptr + (plane ? s.pitch * static_cast<size_t>(cfg.height) : 0);
            copy.dstPitch = s.pitch;
            copy.WidthInBytes = static_cast<size_t>(cfg.width);
            copy.Height = static_cast<size_t>(plane ? cfg.height / 2 : cfg.height);
            ASSERT_EQ(driver.cuda.memcpy_2d(&copy), CUDA_SUCCESS);
        }
        auto* y = reinterpret_cast<uint8_t*>(s.ptr);
        Frame f = Frame::wrap(PixelFormat::NV12, cfg.width, cfg.height, MemoryType::Cuda,
                              {y, y + s.pitch * static_cast<size_t>(cfg.height), nullptr},
                              {static_cast<int>(s.pitch), static_cast<int>(s.pitch), 0});
        f.pts = static_cast<int64_t>(i);
        enc.send_frame(f, {});
        while (auto p = enc.receive_packet()) packets.push_back(std::move(*p));
    }
    enc.flush();
    while (auto p = enc.receive_packet()) packets.push_back(std::move(*p));
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
    for (auto& s : surfaces) {
        s.driver = &driver;
        ASSERT_EQ(driver.cuda.mem_alloc_pitch(&s.ptr, &s.pitch, 320, 360, 16), CUDA_SUCCESS);
    }
    for (int i = 0; i < 10; ++i) {
        DeviceSurface& s = surfaces[static_cast<size_t>(i) % 2];
        auto* y = reinterpret_cast<uint8_t*>(s.ptr);
        Frame f = Frame::wrap(PixelFormat::NV12, 320, 240, MemoryType::Cuda, {y, y + s.pitch * 240, nullptr},
                              {static_cast<int>(s.pitch), static_cast<int>(s.pitch), 0});
        enc.send_frame(f, {});
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
