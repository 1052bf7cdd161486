// NVDEC on a real GPU (label gpu; bench/decode/run_on_gpu.sh): decodes the streams that
// bench/decode/make_nvdec_reference.sh made with ffmpeg and carried in .carry/nvdec, and checks
// every frame's NV12/P010 planes against the MD5 of libavcodec's decode of the same file
// (`ffmpeg -f framemd5 -pix_fmt nv12|p010le`). Also runs on the emulator, which is how the
// reference files are checked before they travel (NVCAST_CUDA_LIBRARY/NVCAST_NVCUVID_LIBRARY).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "md5.h"
#include "nvdec_test_util.h"

namespace nvcast::test {
namespace {

using nvdec::InputCodec;

std::string carry_dir() {
    const char* env = std::getenv("NVCAST_NVDEC_CARRY");
    return env && *env ? env : NVCAST_SOURCE_DIR "/.carry/nvdec";
}

struct Stream {
    std::string name;
    InputCodec codec = InputCodec::H264;
    int bit_depth = 8, width = 0, height = 0, frames = 0;
};

// manifest.txt: "name codec bit_depth width height frames" per line.
std::vector<Stream> manifest() {
    std::vector<Stream> streams;
    std::ifstream in(carry_dir() + "/manifest.txt");
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        Stream s;
        std::string codec;
        fields >> s.name >> codec >> s.bit_depth >> s.width >> s.height >> s.frames;
        if (auto c = nvdec::parse_input_codec(codec)) s.codec = *c;
        streams.push_back(s);
    }
    return streams;
}

// The hashes of `ffmpeg -f framemd5`: the last field of each non-comment line.
std::vector<std::string> reference_md5s(const std::string& name) {
    std::vector<std::string> hashes;
    std::ifstream in(carry_dir() + "/" + name + ".framemd5");
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto comma = line.rfind(',');
        std::string h = line.substr(comma == std::string::npos ? 0 : comma + 1);
        h.erase(0, h.find_first_not_of(' '));
        hashes.push_back(h);
    }
    return hashes;
}

// MD5 of the planes with rows packed tightly, as rawvideo lays them out.
std::string frame_md5(const Frame& host) {
    Md5 md5;
    for (int p = 0; p < 2; ++p)
        for (int y = 0; y < plane_rows(host.format(), host.height(), p); ++y)
            md5.update(host.data(p) + static_cast<size_t>(y) * host.pitch(p),
                       plane_row_bytes(host.format(), host.width(), p));
    return md5.hex();
}

TEST(Md5, MatchesRfc1321) {
    Md5 empty;
    EXPECT_EQ(empty.hex(), "d41d8cd98f00b204e9800998ecf8427e");
    Md5 abc;
    abc.update(reinterpret_cast<const uint8_t*>("abc"), 3);
    EXPECT_EQ(abc.hex(), "900150983cd24fb0d6963f7d28e17f72");
    Md5 long_text;
    const std::string quick = "The quick brown fox jumps over the lazy dog";
    for (int i = 0; i < 3; ++i) long_text.update(reinterpret_cast<const uint8_t*>(quick.data()), quick.size());
    Md5 once;
    const std::string thrice = quick + quick + quick;
    once.update(reinterpret_cast<const uint8_t*>(thrice.data()), thrice.size());
    EXPECT_EQ(long_text.hex(), once.hex());
    Md5 fox;
    fox.update(reinterpret_cast<const uint8_t*>(quick.data()), quick.size());
    EXPECT_EQ(fox.hex(), "9e107d9d372bb6826bd81d3542a419d6");
}

class NvdecGpu : public ::testing::Test {
protected:
    void SetUp() override {
        streams_ = manifest();
        if (streams_.empty()) GTEST_SKIP() << "no " << carry_dir() << "/manifest.txt (bench/decode/make_nvdec_reference.sh)";
        const std::string why = nvdec::unsupported_reason({InputCodec::H264, 640, 480, 8}, 0);
        if (!why.empty()) GTEST_SKIP() << "NVDEC unavailable: " << why;
    }
    std::vector<Stream> streams_;
};

TEST_F(NvdecGpu, ReportsWhatThisGpuDecodes) {
    for (InputCodec codec : {InputCodec::H264, InputCodec::HEVC, InputCodec::VP9, InputCodec::AV1})
        for (int depth : {8, 10}) {
            const std::string why = nvdec::unsupported_reason({codec, 1920, 1080, depth}, 0);
            std::printf("  %-5s %2d-bit 1920x1080: %s\n", std::string(to_string(codec)).c_str(), depth,
                        why.empty() ? "NVDEC" : why.c_str());
        }
    const std::string big = nvdec::unsupported_reason({InputCodec::HEVC, 8192, 8192, 8}, 0);
    std::printf("  HEVC 8192x8192: %s\n", big.empty() ? "NVDEC" : big.c_str());
}

TEST_F(NvdecGpu, CarriedStreamsMatchLibavcodecFrameByFrame) {
    for (const Stream& s : streams_) {
        SCOPED_TRACE(s.name);
        const std::string path = carry_dir() + "/" + s.name;
        const std::string why = nvdec::unsupported_reason({s.codec, s.width, s.height, s.bit_depth}, 0);
        if (!why.empty()) {
            // AV1 on a GPU without AV1 NVDEC (Hopper, GA100): refused, so the source decodes it on the CPU.
            EXPECT_EQ(s.codec, InputCodec::AV1) << why;
            std::printf("  %-22s refused: %s\n", s.name.c_str(), why.c_str());
            EXPECT_THROW(nvdec::Decoder({s.codec, s.width, s.height, s.bit_depth}, 0), Error);
            continue;
        }
        const std::vector<std::string> expected = reference_md5s(s.name);
        ASSERT_EQ(static_cast<int>(expected.size()), s.frames) << "reference " << s.name << ".framemd5";
        // Twice: frames from the decoder's pool, then written in place into one frame.
        for (bool in_place : {false, true}) {
            auto reader = nvdec::ElementaryReader::open(path);
            nvdec::Decoder decoder({s.codec, s.width, s.height, s.bit_depth}, 0);
            std::vector<std::string> got;
            std::vector<uint8_t> packet;
            int64_t pts = 0;
            Frame out;
            const auto start = std::chrono::steady_clock::now();
            std::vector<Frame> frames;
            auto drain = [&] {
                while (decoder.receive(out)) {
                    frames.push_back(in_place ? download(out) : out);
                    if (!in_place) out = Frame();
                }
            };
            while (reader->next(packet, pts)) {
                decoder.send(packet, pts);
                drain();
            }
            decoder.send_end();
            drain();
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            for (const Frame& f : frames) {
                const Frame host = f.memory() == MemoryType::Cuda ? download(f) : f;
                EXPECT_EQ(host.format(), s.bit_depth > 8 ? PixelFormat::P010 : PixelFormat::NV12);
                EXPECT_EQ(host.width(), s.width);
                EXPECT_EQ(host.height(), s.height);
                got.push_back(frame_md5(host));
            }
            ASSERT_EQ(got.size(), expected.size()) << (in_place ? "in place" : "pool");
            int mismatches = 0;
            for (size_t i = 0; i < got.size(); ++i)
                if (got[i] != expected[i] && ++mismatches <= 3)
                    ADD_FAILURE() << s.name << " frame " << i << ": " << got[i] << " != " << expected[i];
            EXPECT_EQ(mismatches, 0);
            if (!in_place)
                std::printf("  %-22s %3zu frames %dx%d %2d-bit on %s: %s, %.0f frames/s (decode + copy out)\n",
                            s.name.c_str(), got.size(), s.width, s.height, s.bit_depth, decoder.device_name().c_str(),
                            mismatches ? "MISMATCH" : "all MD5s equal", static_cast<double>(got.size()) / seconds);
        }
    }
}

}  // namespace
}  // namespace nvcast::test
