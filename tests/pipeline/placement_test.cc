// GPU placement for any number of GPUs (the machines here have none or one: the lists are made up).
#include <gtest/gtest.h>

#include "nvcast/config.h"
#include "nvcast/error.h"
#include "pipeline/placement.h"

using namespace nvcast;
using nvcast::pipeline::place_streams;
using nvcast::pipeline::StreamDemand;

namespace {

std::vector<gpu::DeviceInfo> gpus(int n) {
    std::vector<gpu::DeviceInfo> list;
    for (int i = 0; i < n; ++i) list.push_back({i, "GPU " + std::to_string(i), size_t(80) << 30, size_t(80) << 30});
    return list;
}

const double k1080p60 = 1920.0 * 1080 * 60, k720p30 = 1280.0 * 720 * 30;

TEST(Placement, NoGpuLeavesEveryStreamToItsBackend) {
    const auto placed = place_streams({}, {{kAutoGpu, k1080p60, true}, {kAutoGpu, k720p30, true}});
    EXPECT_EQ(placed, (std::vector<int>{kAutoGpu, kAutoGpu}));
}

TEST(Placement, OneGpuTakesEveryGpuStream) {
    const auto placed = place_streams(gpus(1), {{kAutoGpu, k1080p60, true}, {kAutoGpu, k720p30, false}});
    EXPECT_EQ(placed, (std::vector<int>{0, kAutoGpu}));
}

TEST(Placement, StreamsSpreadByLoad) {
    // Four equal streams on two GPUs: two each. A pinned heavy stream pushes the rest away from its GPU.
    EXPECT_EQ(place_streams(gpus(2), std::vector<StreamDemand>(4, {kAutoGpu, k1080p60, true})),
              (std::vector<int>{0, 1, 0, 1}));
    EXPECT_EQ(place_streams(gpus(2), {{1, 4 * k1080p60, true}, {kAutoGpu, k720p30, true}, {kAutoGpu, k720p30, true}}),
              (std::vector<int>{1, 0, 0}));
    auto three = gpus(3);
    three[1].free_bytes = size_t(90) << 30;  // ties go to more free memory
    EXPECT_EQ(place_streams(three, std::vector<StreamDemand>(3, {kAutoGpu, k720p30, true})),
              (std::vector<int>{1, 0, 2}));
}

TEST(Placement, AMissingGpuIsNamed) {
    try {
        place_streams(gpus(2), {{5, k720p30, true}});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("gpu 5 does not exist (2 GPU(s) found)"), std::string::npos) << e.what();
    }
}

}  // namespace
