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

class nvh264Golden : public ::testing::TestWithParam<EngineCase> {};

TEST_P(nvh264Golden, CpuReferenceOutputIsUnchanged) {
    const EngineCase& c = GetParam();
    if (c.large && sanitized_build()) GTEST_SKIP() << "large frames are too slow under sanitizers";
    nvh264::Options opt;
    opt.engine = nvh264::EngineChoice::Cpu;
    nvh264::NvH264Encoder enc(engine_case_config(c), opt);
    const std::vector<Frame> frames = engine_case_frames(c);
    std::vector<Packet> packets;
    for (int i = 0; i < c.frames; ++i) {
        engine_case_before_frame(c, i, enc);
        enc.send_frame(frames[static_cast<size_t>(i)], engine_case_frame_options(c, i));
        auto p = enc.receive_packet();
        ASSERT_TRUE(p) << "no packet for frame " << i;
        packets.push_back(std::move(*p));
    }
    const uint64_t hash = stream_hash(packets);
    if (std::getenv("NVCAST_PRINT_GOLDEN")) std::printf("{\"%s\", 0x%016llxull},\n", c.name.c_str(), static_cast<unsigned long long>(hash));
    const auto it = kGolden.find(c.name);
    ASSERT_NE(it, kGolden.end()) << "no recorded hash for " << c.name << " (run with NVCAST_PRINT_GOLDEN=1)";
    EXPECT_EQ(hash, it->second) << c.name << ": the CPU reference's bitstream changed";
}

INSTANTIATE_TEST_SUITE_P(Matrix, nvh264Golden, ::testing::ValuesIn(engine_cases()),
                         [](const ::testing::TestParamInfo<EngineCase>& i) { return i.param.name; });

}  // namespace
}  // namespace nvcast::test
