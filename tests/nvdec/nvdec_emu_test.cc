// nvdec::Decoder against the NVDEC emulator (emu/nvdec, libavcodec behind NVIDIA's API): every
// frame equals libavcodec's own decode bit for bit, in display order, with pts passed through,
// the crop applied; refusals and failures are clear Errors.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <random>
#include <set>
#include <utility>

#include "nvdec_test_util.h"
#include "support/test_support.h"

namespace nvcast::test {
namespace {

using nvdec::InputCodec;
using nvdec::StreamFormat;

class NvdecEmu : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!have_ffmpeg()) return;
        dir_ = new TempDir();
        const std::string src = "-f lavfi -i testsrc=size=";
        make("h264_b.h264", src + "320x240:rate=30 -frames:v 30 -c:v libx264 -bf 3 -g 12 -pix_fmt yuv420p");
        make("h264_1080.h264", src + "1920x1080:rate=30 -frames:v 6 -c:v libx264 -preset ultrafast -bf 0 -pix_fmt yuv420p");
        make("h264_352.h264", src + "352x288:rate=30 -frames:v 5 -c:v libx264 -preset ultrafast -pix_fmt yuv420p");
        make("hevc8.hevc", src + "352x288:rate=30 -frames:v 20 -c:v libx265 -x265-params log-level=error -pix_fmt yuv420p");
        make("hevc10.hevc",
             src + "352x288:rate=30 -frames:v 12 -c:v libx265 -x265-params log-level=error -pix_fmt yuv420p10le");
        make("vp9.ivf", src + "320x240:rate=30 -frames:v 20 -c:v libvpx-vp9 -deadline good -cpu-used 8 "
                              "-lag-in-frames 10 -auto-alt-ref 1 -b:v 400k -pix_fmt yuv420p");
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static void make(const std::string& name, const std::string& args) {
        const CommandResult r =
            run_command("'" + ffmpeg_path() + "' -v error -y " + args + " '" + dir_->file(name) + "'", 120);
        ASSERT_EQ(r.exit_code, 0) << name << ": " << r.output;
    }
    static std::string file(const std::string& name) { return dir_->file(name); }

    void SetUp() override {
        if (!dir_) GTEST_SKIP() << "no ffmpeg CLI to make the test streams";
        ::setenv("NVCAST_CUDA_LIBRARY", NVCAST_EMU_LIB_DIR "/libcuda.so.1", 1);
        ::setenv("NVCAST_NVCUVID_LIBRARY", NVCAST_EMU_LIB_DIR "/libnvcuvid.so.1", 1);
        ::unsetenv("NVCAST_EMU_FAULTS");
        ::unsetenv("NVCAST_EMU_DEVICES");
    }
    void TearDown() override { SetUp(); }

    // Decodes `name` through ElementaryReader + NVDEC and expects libavcodec's frames exactly.
    static void expect_bit_exact(const std::string& name, PixelFormat format, int width, int height) {
        const std::vector<Frame> expected = reference_frames(file(name));
        const Decoded got = decode_file_nvdec(file(name));
        ASSERT_EQ(got.error, "");
        ASSERT_EQ(got.frames.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(got.frames[i].format(), format);
            EXPECT_EQ(got.frames[i].width(), width);
            EXPECT_EQ(got.frames[i].height(), height);
            ASSERT_EQ(compare_planes(got.frames[i], expected[i]), "") << name << " frame " << i;
        }
    }

    static TempDir* dir_;
};
TempDir* NvdecEmu::dir_ = nullptr;

TEST_F(NvdecEmu, H264WithBFramesIsBitExactFromByteStreamChunks) {
    expect_bit_exact("h264_b.h264", PixelFormat::NV12, 320, 240);
}

TEST_F(NvdecEmu, H264CodedAt1088IsCroppedTo1080) {
    expect_bit_exact("h264_1080.h264", PixelFormat::NV12, 1920, 1080);
}

TEST_F(NvdecEmu, Hevc8BitIsBitExact) { expect_bit_exact("hevc8.hevc", PixelFormat::NV12, 352, 288); }

TEST_F(NvdecEmu, Hevc10BitIsBitExactAsP010) { expect_bit_exact("hevc10.hevc", PixelFormat::P010, 352, 288); }

TEST_F(NvdecEmu, Vp9WithSuperframesIsBitExactWithIvfPts) {
    expect_bit_exact("vp9.ivf", PixelFormat::NV12, 320, 240);
    auto reader = nvdec::ElementaryReader::open(file("vp9.ivf"));
    EXPECT_EQ(reader->codec(), InputCodec::VP9);
    EXPECT_EQ(reader->format().width, 320);
    const Decoded got = decode_file_nvdec(file("vp9.ivf"));
    for (size_t i = 0; i < got.frames.size(); ++i) EXPECT_EQ(got.frames[i].pts, static_cast<int64_t>(i));
}

TEST_F(NvdecEmu, AccessUnitsWithPtsComeOutInDisplayOrderWithTheirPts) {
    for (const auto& [name, bframes] : {std::pair<std::string, bool>{"h264_b.h264", true}, {"h264_1080.h264", false},
                                        {"hevc8.hevc", true}}) {
        const bool hevc = name.find("hevc") != std::string::npos;
        const auto units = access_units(read_file(file(name)), hevc);
        std::vector<int64_t> pts;
        for (size_t i = 0; i < units.size(); ++i) pts.push_back(1000 + 7 * static_cast<int64_t>(i));
        const Decoded got = decode_packets_nvdec({hevc ? InputCodec::HEVC : InputCodec::H264, 0, 0, 8}, units, pts);
        ASSERT_EQ(got.error, "") << name;
        const std::vector<Frame> expected = reference_frames(file(name));
        ASSERT_EQ(got.frames.size(), expected.size()) << name;
        ASSERT_EQ(units.size(), expected.size()) << name << ": one access unit per frame";
        std::multiset<int64_t> seen;
        for (size_t i = 0; i < expected.size(); ++i) {
            ASSERT_EQ(compare_planes(got.frames[i], expected[i]), "") << name << " frame " << i;
            seen.insert(got.frames[i].pts);
        }
        EXPECT_EQ(seen, std::multiset<int64_t>(pts.begin(), pts.end())) << name << ": every pts exactly once";
        bool increasing = true;
        for (size_t i = 1; i < got.frames.size(); ++i) increasing &= got.frames[i].pts > got.frames[i - 1].pts;
        if (bframes) {
            EXPECT_FALSE(increasing) << name << ": B-frames reorder, so decode-order pts do not increase";
        } else {
            EXPECT_TRUE(increasing) << name;
        }
    }
}

TEST_F(NvdecEmu, WholeFileInOneSendKeepsEveryFrame) {
    // Many pictures displayed in one send(): surfaces the parser reuses are copied out first.
    const std::vector<uint8_t> all = read_file(file("h264_b.h264"));
    const Decoded got = decode_packets_nvdec({InputCodec::H264, 320, 240, 8}, {all}, {nvdec::kNoPts});
    ASSERT_EQ(got.error, "");
    const std::vector<Frame> expected = reference_frames(file("h264_b.h264"));
    ASSERT_EQ(got.frames.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(compare_planes(got.frames[i], expected[i]), "") << "frame " << i;
        EXPECT_EQ(got.frames[i].pts, static_cast<int64_t>(i)) << "no timestamps: numbered in display order";
    }
}

TEST_F(NvdecEmu, ReceiveWritesInPlaceIntoAMatchingDeviceFrame) {
    auto reader = nvdec::ElementaryReader::open(file("h264_b.h264"));
    nvdec::Decoder decoder(reader->format(), 0);
    EXPECT_NE(decoder.device_name().find("emulated"), std::string::npos) << decoder.device_name();
    std::vector<uint8_t> packet;
    int64_t pts = 0;
    while (reader->next(packet, pts)) decoder.send(packet, pts);
    decoder.send_end();
    const std::vector<Frame> expected = reference_frames(file("h264_b.h264"));
    Frame out;
    ASSERT_TRUE(decoder.receive(out));
    EXPECT_EQ(out.memory(), MemoryType::Cuda);
    const uint8_t* first = out.data(0);
    size_t n = 1;
    while (decoder.receive(out)) {
        EXPECT_EQ(out.data(0), first) << "written in place";
        ASSERT_EQ(compare_planes(download(out), expected[n]), "") << "frame " << n;
        ++n;
    }
    EXPECT_EQ(n, expected.size());
    Frame host = Frame::allocate(PixelFormat::NV12, 320, 240);  // a host frame is replaced, not written
    EXPECT_FALSE(decoder.receive(host));
}

TEST_F(NvdecEmu, FramesOutliveTheDecoder) {
    std::vector<Frame> kept;
    {
        auto reader = nvdec::ElementaryReader::open(file("hevc8.hevc"));
        nvdec::Decoder decoder(reader->format(), 0);
        std::vector<uint8_t> packet;
        int64_t pts = 0;
        while (reader->next(packet, pts)) decoder.send(packet, pts);
        decoder.send_end();
        for (Frame f; decoder.receive(f); f = Frame()) kept.push_back(f);
    }
    const std::vector<Frame> expected = reference_frames(file("hevc8.hevc"));
    ASSERT_EQ(kept.size(), expected.size());
    EXPECT_EQ(compare_planes(download(kept.back()), expected.back()), "");
}

TEST_F(NvdecEmu, Av1IsUnsupportedOnThisGpuSoItFallsBackToTheCpu) {
    const std::string why = nvdec::unsupported_reason({InputCodec::AV1, 1920, 1080, 8}, 0);
    EXPECT_NE(why.find("cannot decode AV1"), std::string::npos) << why;
    EXPECT_NE(why.find("unsupported"), std::string::npos) << why;
    try {
        nvdec::Decoder decoder({InputCodec::AV1, 1920, 1080, 8}, 0);
        FAIL() << "AV1 accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Unsupported);
        EXPECT_EQ(std::string(e.what()), why);
    }
}

TEST_F(NvdecEmu, LimitsNameTheGpuAndItsRange) {
    EXPECT_EQ(nvdec::unsupported_reason({InputCodec::H264, 1920, 1080, 8}, 0), "");
    EXPECT_EQ(nvdec::unsupported_reason({InputCodec::HEVC, 8192, 4320, 10}, 0), "");
    EXPECT_EQ(nvdec::unsupported_reason({InputCodec::VP9, 3840, 2160, 8}, 0), "");
    ::setenv("NVCAST_EMU_FAULTS", "gpu_name=NVIDIA H200", 1);
    const std::string big = nvdec::unsupported_reason({InputCodec::H264, 7680, 4320, 8}, 0);
    EXPECT_NE(big.find("'NVIDIA H200' (CUDA device 0)"), std::string::npos) << big;
    EXPECT_NE(big.find("7680x4320"), std::string::npos) << big;
    EXPECT_NE(big.find("up to 4096x4096"), std::string::npos) << big;
    const std::string tiny = nvdec::unsupported_reason({InputCodec::HEVC, 64, 64, 8}, 0);
    EXPECT_NE(tiny.find("144x144"), std::string::npos) << tiny;
    const std::string high10 = nvdec::unsupported_reason({InputCodec::H264, 1920, 1080, 10}, 0);
    EXPECT_NE(high10.find("H.264 10-bit"), std::string::npos) << high10;
    const std::string twelve = nvdec::unsupported_reason({InputCodec::HEVC, 1920, 1080, 12}, 0);
    EXPECT_NE(twelve.find("12-bit"), std::string::npos) << twelve;
    try {
        nvdec::Decoder decoder({InputCodec::H264, 7680, 4320, 8}, 0);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Unsupported);
    }
}

TEST_F(NvdecEmu, MissingLibrariesAreNamed) {
    ::setenv("NVCAST_NVCUVID_LIBRARY", "/nonexistent/libnvcuvid.so.1", 1);
    const std::string why = nvdec::unsupported_reason({InputCodec::H264, 640, 480, 8}, 0);
    EXPECT_NE(why.find("the NVIDIA driver has no NVDEC library"), std::string::npos) << why;
    EXPECT_NE(why.find("/nonexistent/libnvcuvid.so.1"), std::string::npos) << why;
    try {
        nvdec::Decoder decoder({InputCodec::H264, 640, 480, 8}, 0);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Unavailable);
        EXPECT_EQ(std::string(e.what()), why);
    }
    ::setenv("NVCAST_CUDA_LIBRARY", "/nonexistent/libcuda.so.1", 1);
    const std::string none = nvdec::unsupported_reason({InputCodec::H264, 640, 480, 8}, 0);
    EXPECT_NE(none.find("no NVIDIA driver: cannot load the CUDA driver"), std::string::npos) << none;
}

TEST_F(NvdecEmu, MissingDeviceIsNamed) {
    const std::string why = nvdec::unsupported_reason({InputCodec::H264, 640, 480, 8}, 3);
    EXPECT_NE(why.find("CUDA device 3 does not exist (1 device(s) found)"), std::string::npos) << why;
    try {
        nvdec::Decoder decoder({InputCodec::H264, 640, 480, 8}, 3);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    }
}

TEST_F(NvdecEmu, ResolutionChangeMidStreamIsAClearError) {
    std::vector<uint8_t> both = read_file(file("h264_b.h264"));
    const std::vector<uint8_t> second = read_file(file("h264_352.h264"));
    both.insert(both.end(), second.begin(), second.end());
    const Decoded got = decode_packets_nvdec({InputCodec::H264, 0, 0, 8}, {both}, {nvdec::kNoPts});
    EXPECT_EQ(got.code, ErrorCode::Unsupported);
    EXPECT_NE(got.error.find("changes mid-stream from 320x240 8-bit to 352x288 8-bit"), std::string::npos) << got.error;
}

TEST_F(NvdecEmu, TruncatedOrCorruptStreamsNeverCrash) {
    const std::vector<uint8_t> full = read_file(file("h264_b.h264"));
    const std::vector<uint8_t> half(full.begin(), full.begin() + static_cast<ptrdiff_t>(full.size() / 2));
    const Decoded truncated = decode_packets_nvdec({InputCodec::H264, 0, 0, 8}, {half}, {nvdec::kNoPts});
    EXPECT_LT(truncated.frames.size(), 30u);
    std::mt19937 rng(7);
    for (int round = 0; round < 4; ++round) {
        std::vector<uint8_t> corrupt = full;
        for (int k = 0; k < 40; ++k) corrupt[100 + rng() % (corrupt.size() - 100)] = static_cast<uint8_t>(rng());
        const Decoded got = decode_packets_nvdec({InputCodec::H264, 0, 0, 8}, {corrupt}, {nvdec::kNoPts});
        EXPECT_LE(got.frames.size(), 40u);
        if (!got.error.empty()) {
            EXPECT_NE(got.error.find("nvdec"), std::string::npos) << got.error;
        }
        for (const Frame& f : got.frames) EXPECT_EQ(f.width(), 320);
    }
    std::vector<uint8_t> garbage(5000);
    for (auto& b : garbage) b = static_cast<uint8_t>(rng());
    const Decoded noise = decode_packets_nvdec({InputCodec::HEVC, 0, 0, 8}, {garbage}, {nvdec::kNoPts});
    EXPECT_TRUE(noise.frames.empty());
}

TEST_F(NvdecEmu, MapFailureIsADeviceError) {
    ::setenv("NVCAST_EMU_FAULTS", "nvdec_map_fail_at=3", 1);
    const Decoded got = decode_file_nvdec(file("hevc8.hevc"));
    EXPECT_EQ(got.code, ErrorCode::DeviceLost);
    EXPECT_NE(got.error.find("cannot map decoded frame"), std::string::npos) << got.error;
    EXPECT_NE(got.error.find("CUDA_ERROR_MAP_FAILED"), std::string::npos) << got.error;
}

TEST_F(NvdecEmu, DecodeFailureIsADeviceError) {
    ::setenv("NVCAST_EMU_FAULTS", "nvdec_decode_fail_at=2", 1);
    const Decoded got = decode_file_nvdec(file("h264_b.h264"));
    EXPECT_EQ(got.code, ErrorCode::DeviceLost);
    EXPECT_NE(got.error.find("cuvidDecodePicture failed"), std::string::npos) << got.error;
}

TEST_F(NvdecEmu, SendAfterEndIsAnError) {
    nvdec::Decoder decoder({InputCodec::H264, 320, 240, 8}, 0);
    decoder.send_end();
    Frame out;
    EXPECT_FALSE(decoder.receive(out));
    const std::vector<uint8_t> data = read_file(file("h264_b.h264"));
    try {
        decoder.send(data, 0);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidState);
    }
}

}  // namespace
}  // namespace nvcast::test
