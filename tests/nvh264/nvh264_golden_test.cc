// The CPU reference's output for the engine case matrix, pinned by hash. A change here means
// nvh264's bitstream changed: if that was meant, re-record with NVCAST_PRINT_GOLDEN=1 and say why
// in the commit; the GPU machine's nvh264_engine_match_test then shows the CUDA engine follows.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>

#include "engine_cases.h"

namespace nvcast::test {
namespace {

// clang-format off
const std::map<std::string, uint64_t> kGolden = {
#include "nvh264_golden_hashes.inc"
};
// clang-format on

bool sanitized_build() {
#if defined(__SANITIZE_ADDRESS__)
    return true;
#else
    return false;
#endif
}

// The CPU reference's stream for case `c` on `threads` threads (0: one per hardware thread), hashed.
uint64_t cpu_stream_hash(const EngineCase& c, int threads) {
    nvh264::Options opt;
    opt.engine = nvh264::EngineChoice::Cpu;
    EncoderConfig config = engine_case_config(c);
    config.threads = threads;
    nvh264::NvH264Encoder enc(config, opt);
    const std::vector<Frame> frames = engine_case_frames(c);
    std::vector<Packet> packets;
    for (int i = 0; i < c.frames; ++i) {
        engine_case_before_frame(c, i, enc);
        enc.send_frame(frames[static_cast<size_t>(i)], engine_case_frame_options(c, i));
        auto p = enc.receive_packet();
        if (!p) ADD_FAILURE() << "no packet for frame " << i;
        else packets.push_back(std::move(*p));
    }
    return stream_hash(packets);
}

class nvh264Golden : public ::testing::TestWithParam<EngineCase> {};

TEST_P(nvh264Golden, CpuReferenceOutputIsUnchanged) {
    const EngineCase& c = GetParam();
    if (c.large && sanitized_build()) GTEST_SKIP() << "large frames are too slow under sanitizers";
    const uint64_t hash = cpu_stream_hash(c, 0);
    if (std::getenv("NVCAST_PRINT_GOLDEN")) std::printf("{\"%s\", 0x%016llxull},\n", c.name.c_str(), static_cast<unsigned long long>(hash));
    const auto it = kGolden.find(c.name);
    ASSERT_NE(it, kGolden.end()) << "no recorded hash for " << c.name << " (run with NVCAST_PRINT_GOLDEN=1)";
    EXPECT_EQ(hash, it->second) << c.name << ": the CPU reference's bitstream changed";
}

// The stages that run on all cores split rows among threads; the stream must not depend on how.
TEST(nvh264Threads, TheCpuReferenceGivesTheSameStreamOnAnyNumberOfThreads) {
    int checked = 0;
    for (const EngineCase& c : engine_cases()) {
        if (c.name != "intra_refresh_slices4" && c.name != "cbr_bitrate_change" && c.name != "preset1") continue;
        ++checked;
        for (const int threads : {1, 3, 8})
            EXPECT_EQ(cpu_stream_hash(c, threads), kGolden.at(c.name)) << c.name << " on " << threads << " threads";
    }
    EXPECT_EQ(checked, 3);
}

INSTANTIATE_TEST_SUITE_P(Matrix, nvh264Golden, ::testing::ValuesIn(engine_cases()),
                         [](const ::testing::TestParamInfo<EngineCase>& i) { return i.param.name; });

}  // namespace
}  // namespace nvcast::test
