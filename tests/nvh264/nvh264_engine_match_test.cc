// On a CUDA machine: the CUDA engine's bitstream equals the CPU reference's, byte for byte, on
// the whole engine case matrix; so do its motion vectors, decisions and reconstructions. On a
// mismatch the failure names the frame, the stage, the macroblock and the field.
// Frames reach the CUDA engine in device memory (padded pitch) for even cases, from the host for odd.
#include <gtest/gtest.h>

#include <cuda_runtime_api.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "engine_cases.h"

namespace nvcast::test {
namespace {

bool cuda_usable(std::string& why) { return nvh264::cuda_engine_usable(why); }

// A copy of a host frame in CUDA device memory with a padded pitch; the memory lives with the frame.
Frame to_device(const Frame& host) {
    const int planes = host.plane_count();
    std::array<uint8_t*, Frame::kMaxPlanes> data{};
    std::array<int, Frame::kMaxPlanes> pitch{};
    size_t total = 0;
    size_t offsets[Frame::kMaxPlanes] = {};
    for (int c = 0; c < planes; ++c) {
        pitch[c] = static_cast<int>((plane_row_bytes(host.format(), host.width(), c) + 255) / 256 * 256 + 64);
        offsets[c] = total;
        total += static_cast<size_t>(pitch[c]) * plane_rows(host.format(), host.height(), c);
    }
    void* mem = nullptr;
    if (cudaMalloc(&mem, total) != cudaSuccess) throw std::runtime_error("cudaMalloc failed");
    std::shared_ptr<void> keep(mem, [](void* p) { cudaFree(p); });
    for (int c = 0; c < planes; ++c) {
        data[c] = static_cast<uint8_t*>(mem) + offsets[c];
        const size_t row = plane_row_bytes(host.format(), host.width(), c);
        if (cudaMemcpy2D(data[c], static_cast<size_t>(pitch[c]), host.data(c), static_cast<size_t>(host.pitch(c)), row,
                         static_cast<size_t>(plane_rows(host.format(), host.height(), c)),
                         cudaMemcpyHostToDevice) != cudaSuccess)
            throw std::runtime_error("cudaMemcpy2D failed");
    }
    Frame f = Frame::wrap(host.format(), host.width(), host.height(), MemoryType::Cuda, data, pitch, keep);
    f.pts = host.pts;
    return f;
}

template <class T>
bool same_bytes(const T& a, const T& b) {
    return std::memcmp(&a, &b, sizeof(T)) == 0;
}

std::string at_mb(int i, int mb_w) {
    return "macroblock (" + std::to_string(i % mb_w) + ", " + std::to_string(i / mb_w) + ")";
}

std::string motion_field(const nvh264::MotionResult& a, const nvh264::MotionResult& b) {
    if (!(a.mv16 == b.mv16)) return "mv16";
    if (a.cost16 != b.cost16) return "cost16";
    for (int k = 0; k < 4; ++k)
        if (!(a.mv8[k] == b.mv8[k]) || a.cost8[k] != b.cost8[k]) return "mv8/cost8[" + std::to_string(k) + "]";
    for (int k = 0; k < 2; ++k) {
        if (!(a.mv16x8[k] == b.mv16x8[k]) || a.cost16x8[k] != b.cost16x8[k]) return "mv16x8[" + std::to_string(k) + "]";
        if (!(a.mv8x16[k] == b.mv8x16[k]) || a.cost8x16[k] != b.cost8x16[k]) return "mv8x16[" + std::to_string(k) + "]";
    }
    return "";
}

std::string decision_field(const nvh264::MbInfo& a, const nvh264::MbInfo& b) {
#define NVCAST_FIELD(f) \
    if (!same_bytes(a.f, b.f)) return #f
    NVCAST_FIELD(type);
    NVCAST_FIELD(i16_mode);
    NVCAST_FIELD(chroma_mode);
    NVCAST_FIELD(cbp);
    NVCAST_FIELD(qp);
    NVCAST_FIELD(slice);
    NVCAST_FIELD(i4_mode);
    NVCAST_FIELD(mv);
    NVCAST_FIELD(mvd);
    NVCAST_FIELD(nnz);
    NVCAST_FIELD(nnz_c);
    NVCAST_FIELD(luma_dc);
    NVCAST_FIELD(luma);
    NVCAST_FIELD(chroma_dc);
    NVCAST_FIELD(chroma_ac);
#undef NVCAST_FIELD
    return "";
}

// Names the first stage whose results differ between the two engines' last frames.
std::string first_difference(const nvh264::FrameSnapshot& cpu, const nvh264::FrameSnapshot& gpu, int mb_w) {
    if (cpu.motion.size() != gpu.motion.size()) return "stage motion search: one engine kept no vectors";
    for (size_t i = 0; i < cpu.motion.size(); ++i) {
        const std::string field = motion_field(cpu.motion[i], gpu.motion[i]);
        if (!field.empty()) return "stage motion search, " + at_mb(static_cast<int>(i), mb_w) + ", field " + field;
    }
    for (size_t i = 0; i < cpu.mbs.size(); ++i) {
        const std::string field = decision_field(cpu.mbs[i], gpu.mbs[i]);
        if (!field.empty()) return "stage decision/transform, " + at_mb(static_cast<int>(i), mb_w) + ", field " + field;
    }
    for (int c = 0; c < 3; ++c) {
        const int w = c ? cpu.reference.width() / 2 : cpu.reference.width();
        const int h = c ? cpu.reference.height() / 2 : cpu.reference.height();
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                if (cpu.reference.data(c)[y * cpu.reference.pitch(c) + x] !=
                    gpu.reference.data(c)[y * gpu.reference.pitch(c) + x]) {
                    const int s = c ? 8 : 16;
                    return "stage reconstruction/deblocking, " + at_mb((y / s) * mb_w + x / s, mb_w) + ", field plane " +
                           std::to_string(c) + " sample (" + std::to_string(x) + ", " + std::to_string(y) + ")";
                }
    }
    return "stage entropy coding/bitstream assembly (decisions and pictures agree)";
}

class nvh264EngineMatch : public ::testing::TestWithParam<EngineCase> {};

TEST_P(nvh264EngineMatch, CudaEngineEqualsCpuReference) {
    std::string why;
    if (!cuda_usable(why)) GTEST_SKIP() << why;
    const EngineCase& c = GetParam();
    if (std::getenv("NVCAST_GPU_TEST_SMALL") && (c.large || c.width > 352)) GTEST_SKIP() << "small run";
    const EncoderConfig cfg = engine_case_config(c);
    nvh264::Options cpu_opt, gpu_opt;
    cpu_opt.engine = nvh264::EngineChoice::Cpu;
    gpu_opt.engine = nvh264::EngineChoice::Cuda;
    nvh264::NvH264Encoder cpu(cfg, cpu_opt), gpu(cfg, gpu_opt);
    ASSERT_TRUE(gpu.capabilities().device_frames);
    const std::vector<Frame> frames = engine_case_frames(c);
    const bool device_input = (std::hash<std::string>{}(c.name) & 1) == 0;
    const int mb_w = (c.width + 15) / 16;
    for (int i = 0; i < c.frames; ++i) {
        const Frame& host = frames[static_cast<size_t>(i)];
        engine_case_before_frame(c, i, cpu);
        engine_case_before_frame(c, i, gpu);
        cpu.send_frame(host, engine_case_frame_options(c, i));
        gpu.send_frame(device_input ? to_device(host) : host, engine_case_frame_options(c, i));
        const auto a = cpu.receive_packet();
        const auto b = gpu.receive_packet();
        ASSERT_TRUE(a && b) << "frame " << i << ": a packet is missing";
        if (a->data != b->data) {
            size_t at = 0;
            while (at < a->data.size() && at < b->data.size() && a->data[at] == b->data[at]) ++at;
            FAIL() << c.name << ", frame " << i << " (" << (device_input ? "device" : "host")
                   << " input): bitstreams differ at byte " << at << " of " << a->data.size() << " (CPU) / "
                   << b->data.size() << " (CUDA); " << first_difference(cpu.snapshot(), gpu.snapshot(), mb_w);
        }
        EXPECT_EQ(a->qp, b->qp);
        EXPECT_EQ(a->type, b->type);
    }
    // Same bytes could still hide a diverging reference that the next frame would show: compare it.
    const std::string diff = first_difference(cpu.snapshot(), gpu.snapshot(), mb_w);
    EXPECT_NE(diff.find("entropy"), std::string::npos) << c.name << ", last frame: " << diff;
    EXPECT_TRUE(frames_equal(cpu.last_reconstruction(), gpu.last_reconstruction()));
}

INSTANTIATE_TEST_SUITE_P(Matrix, nvh264EngineMatch, ::testing::ValuesIn(engine_cases()),
                         [](const ::testing::TestParamInfo<EngineCase>& i) { return i.param.name; });

TEST(nvh264EngineMatch, AutoPicksTheGpuAndSaysSo) {
    std::string why;
    if (!cuda_usable(why)) GTEST_SKIP() << why;
    EncoderConfig cfg;
    cfg.width = 320;
    cfg.height = 240;
    const OpenedEncoder opened = open_encoder("auto", cfg);
    if (opened.encoder->backend_name() == "nvenc") GTEST_SKIP() << "this GPU has NVENC, which auto prefers";
    EXPECT_EQ(opened.encoder->backend_name(), "nvh264") << opened.selection;
    EXPECT_NE(opened.encoder->engine().find("CUDA on"), std::string::npos) << opened.encoder->engine();
}

TEST(nvh264EngineMatch, DeviceFrameOnTheWrongPitchOrPointerIsRefused) {
    std::string why;
    if (!cuda_usable(why)) GTEST_SKIP() << why;
    EncoderConfig cfg;
    cfg.width = 64;
    cfg.height = 48;
    nvh264::Options opt;
    opt.engine = nvh264::EngineChoice::Cuda;
    nvh264::NvH264Encoder enc(cfg, opt);
    // A host pointer dressed as a device frame: a clear error, not a crash.
    Frame host = Frame::allocate(PixelFormat::I420, 64, 48);
    const Frame fake = Frame::wrap(PixelFormat::I420, 64, 48, MemoryType::Cuda, {host.data(0), host.data(1), host.data(2)},
                                   {host.pitch(0), host.pitch(1), host.pitch(2)});
    try {
        enc.send_frame(fake);
        FAIL() << "a host pointer was accepted as device memory";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not CUDA device memory"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace nvcast::test
