// On a CUDA GPU (label gpu): frames drawn in device memory go through GPU preparation into
// nvh264's CUDA engine with no host copy of a pixel, counted by the pipeline; the same frames,
// read back for nvh264's CPU reference in a second stream, give the same bytes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gpu/frame_transfer.h"
#include "nvcast/convert.h"
#include "nvcast/features.h"
#include "nvcast/quality.h"
#include "pipeline_support.h"

using namespace nvcast;
using namespace nvcast::test;

namespace {

StreamSpec device_stream(const std::string& name, const std::string& engine, std::shared_ptr<RecordingSink> sink) {
    StreamSpec s;
    s.name = name;
    s.input = "cuda-synthetic:1280x720@60:48";
    s.input_options.format = PixelFormat::NV12;
    s.prepare.width = 640;
    s.prepare.height = 352;
    s.backend = "nvh264";
    s.encoder = quick_config(Codec::H264);
    s.encoder.backend_options["nvh264.engine"] = engine;
    SinkSpec custom;
    custom.target = name;
    custom.custom = std::move(sink);
    s.sinks.push_back(custom);
    return s;
}

TEST(PipelineGpu, DeviceFramesReachNvh264WithoutAHostCopyAndMatchTheCpuReference) {
    if (!FrameConverter::gpu_available()) GTEST_SKIP() << FrameConverter::describe_gpu();
    auto gpu_sink = std::make_shared<RecordingSink>(), cpu_sink = std::make_shared<RecordingSink>();
    PipelineConfig config;
    config.streams.push_back(device_stream("gpu", "cuda", gpu_sink));
    config.streams.push_back(device_stream("cpu", "cpu", cpu_sink));
    Pipeline pipeline(std::move(config));
    pipeline.start();
    ASSERT_TRUE(pipeline.wait_for(std::chrono::minutes(5)));
    const auto stats = pipeline.stats();
    for (const StreamStats& s : stats) {
        EXPECT_EQ(s.state, StreamState::Finished) << s.name << ": " << s.error;
        EXPECT_EQ(s.frames_encoded, 48) << s.name;
        EXPECT_NE(s.preparation.find("ran on the GPU"), std::string::npos) << s.preparation;
        EXPECT_EQ(s.gpu, 0);
        expect_accounted(s);
    }
    EXPECT_NE(stats[0].encoder.find("CUDA"), std::string::npos) << stats[0].encoder;
    EXPECT_EQ(stats[0].host_device_copies, 0) << "device frames must stay on the device";
    EXPECT_EQ(stats[1].host_device_copies, 48) << "the CPU reference reads every prepared frame back";
    const auto a = gpu_sink->packets(), b = cpu_sink->packets();
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i].data, b[i].data) << "frame " << i;
    // For an independent decoder elsewhere (the GPU machine has no libavcodec): NVCAST_TEST_ARTIFACTS=dir.
    if (const char* dir = std::getenv("NVCAST_TEST_ARTIFACTS")) {
        std::ofstream out(std::filesystem::path(dir) / "pipeline_gpu_640x352.h264", std::ios::binary);
        for (const Packet& p : a) out.write(reinterpret_cast<const char*>(p.data.data()), static_cast<std::streamsize>(p.size()));
    }
}

// Every frame of an H.264 file, decoded on NVDEC and read back to the host (the GPU machine has no
// libavcodec: NVDEC is the decoder here).
std::vector<Frame> nvdec_frames(const std::string& path) {
    InputOptions o;
    o.decoder = DecoderChoice::Nvdec;
    auto source = open_source(path, o);
    EXPECT_NE(source->info().decoder.find("NVDEC"), std::string::npos) << source->info().decoder;
    std::vector<Frame> frames;
    Frame device;
    while (source->read(device)) {
        Frame host = Frame::allocate(device.format(), device.width(), device.height());
        gpu::copy_frame(device, host, nullptr);
        frames.push_back(std::move(host));
    }
    return frames;
}

// A whole transcode on the GPU: NVDEC decodes into device frames that nvh264's CUDA engine encodes,
// with no pixel crossing to the host; the pictures survive (NVDEC decodes both generations).
TEST(PipelineGpu, NvdecToNvh264TranscodeStaysOnTheGpu) {
    if (!FrameConverter::gpu_available()) GTEST_SKIP() << FrameConverter::describe_gpu();
    if (!NVCAST_HAVE_NVDEC) GTEST_SKIP() << "this build has no NVDEC (configure with the ffnvcodec headers: .carry/ffnvcodec)";
    TempDir dir;
    const std::string first = dir.file("first.h264"), second = dir.file("second.h264");
    {  // The input: 48 frames encoded here, at a high quality
        StreamSpec s = synthetic_stream("make", "cuda-synthetic:640x352@30:48", Codec::H264, "nvh264", {first});
        s.input_options.format = PixelFormat::NV12;
        s.encoder.rc.qp = 18;
        PipelineConfig config;
        config.streams.push_back(std::move(s));
        Pipeline make(std::move(config));
        make.start();
        ASSERT_TRUE(make.wait_for(std::chrono::minutes(2)));
        ASSERT_EQ(make.stats()[0].state, StreamState::Finished) << make.stats()[0].error;
    }
    StreamSpec s = synthetic_stream("transcode", first, Codec::H264, "nvh264", {second});
    s.input_options.decoder = DecoderChoice::Nvdec;
    s.encoder.rc.qp = 18;
    s.encoder.backend_options["nvh264.engine"] = "cuda";
    PipelineConfig config;
    config.streams.push_back(std::move(s));
    Pipeline transcode(std::move(config));
    transcode.start();
    ASSERT_TRUE(transcode.wait_for(std::chrono::minutes(2)));
    const StreamStats stats = transcode.stats()[0];
    ASSERT_EQ(stats.state, StreamState::Finished) << stats.error;
    EXPECT_EQ(stats.frames_encoded, 48);
    EXPECT_NE(stats.decoder.find("on NVDEC"), std::string::npos) << stats.decoder;
    EXPECT_NE(stats.encoder.find("CUDA"), std::string::npos) << stats.encoder;
    EXPECT_EQ(stats.host_device_copies, 0) << "NVDEC frames must reach the encoder on the device";
    expect_accounted(stats);
    const auto a = nvdec_frames(first), b = nvdec_frames(second);
    ASSERT_EQ(a.size(), 48u);
    ASSERT_EQ(b.size(), a.size());
    PsnrAccumulator acc;
    for (size_t i = 0; i < a.size(); ++i) acc.add(compute_psnr(a[i], b[i]));
    EXPECT_GT(acc.mean().average, 38.0) << "the second generation at QP 18 should look like the first";
}

}  // namespace
