// A whole transcode on the (emulated) GPU through the pipeline: a media file demuxed by
// libavformat, decoded by NVDEC into device frames, encoded by NVENC from those frames — no pixel
// crosses to the host — and the pictures survive (checked with libavcodec). `auto` without CUDA
// kernels in the build decodes on the CPU and says why.
#include <gtest/gtest.h>

#include <cstdlib>

#include "nvcast/convert.h"
#include "nvcast/decode.h"
#include "nvcast/pipeline.h"
#include "nvcast/quality.h"
#include "support/test_support.h"

namespace nvcast::test {
namespace {

class NvdecTranscode : public ::testing::Test {
protected:
    void SetUp() override {
        if (!have_ffmpeg()) GTEST_SKIP() << "no ffmpeg CLI";
        ::setenv("NVCAST_CUDA_LIBRARY", NVCAST_EMU_LIB_DIR "/libcuda.so.1", 1);
        ::setenv("NVCAST_NVCUVID_LIBRARY", NVCAST_EMU_LIB_DIR "/libnvcuvid.so.1", 1);
        ::setenv("NVCAST_NVENC_LIBRARY", NVCAST_EMU_LIB_DIR "/libnvidia-encode.so.1", 1);
        ::unsetenv("NVCAST_EMU_FAULTS");
        input_ = dir_.file("in.mp4");
        const auto r = run_command("'" + ffmpeg_path() + "' -hide_banner -loglevel error -y -f lavfi -i "
                                   "testsrc2=size=320x240:rate=30 -frames:v 30 -c:v libx264 -bf 2 -pix_fmt yuv420p '" +
                                   input_ + "'");
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    void TearDown() override {
        for (const char* v : {"NVCAST_CUDA_LIBRARY", "NVCAST_NVCUVID_LIBRARY", "NVCAST_NVENC_LIBRARY"}) ::unsetenv(v);
    }

    StreamStats transcode(DecoderChoice decoder, const std::string& backend, const std::string& output) {
        StreamSpec s;
        s.name = "transcode";
        s.input = input_;
        s.input_options.decoder = decoder;
        s.backend = backend;
        s.encoder.codec = Codec::H264;
        s.encoder.rc.qp = 20;
        s.encoder.tuning = Tuning::LowLatency;
        SinkSpec sink;
        sink.target = output;
        s.sinks.push_back(sink);
        PipelineConfig config;
        config.streams.push_back(std::move(s));
        Pipeline pipeline(std::move(config));
        pipeline.start();
        EXPECT_TRUE(pipeline.wait_for(std::chrono::minutes(2)));
        return pipeline.stats()[0];
    }

    TempDir dir_;
    std::string input_;
};

TEST_F(NvdecTranscode, NvdecToNvencWithoutAHostCopy) {
    const std::string output = dir_.file("out.mp4");
    const StreamStats s = transcode(DecoderChoice::Nvdec, "nvenc", output);
    ASSERT_EQ(s.state, StreamState::Finished) << s.error;
    EXPECT_EQ(s.frames_encoded, 30);
    EXPECT_NE(s.decoder.find("h264 on NVDEC"), std::string::npos) << s.decoder;
    EXPECT_EQ(s.encoder, "nvenc");
    EXPECT_EQ(s.host_device_copies, 0) << "NVDEC's device frames go to NVENC as they are";
    const auto source = decode_all(input_), encoded = decode_all(output);
    ASSERT_EQ(encoded.size(), source.size());
    PsnrAccumulator acc;
    for (size_t i = 0; i < source.size(); ++i) acc.add(compute_psnr(source[i], encoded[i]));
    EXPECT_GT(acc.mean().average, 35.0);
}

TEST_F(NvdecTranscode, NvdecToASoftwareEncoderNeedsTheCudaRuntimeOrSaysSo) {
    if (FrameConverter::gpu_available()) {
        const StreamStats s = transcode(DecoderChoice::Nvdec, "x264", dir_.file("sw.mp4"));
        EXPECT_EQ(s.state, StreamState::Finished) << s.error;
        EXPECT_EQ(s.host_device_copies, 30) << "each frame read back once, counted";
        return;
    }
    // Without usable CUDA kernels nothing can read device frames back for x264: refused when the stream opens.
    try {
        transcode(DecoderChoice::Nvdec, "x264", dir_.file("sw.mp4"));
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("CUDA device memory and x264 takes host frames"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("--decoder cpu"), std::string::npos) << e.what();
    }
}

TEST_F(NvdecTranscode, AutoSaysWhatItChose) {
    const StreamStats s = transcode(DecoderChoice::Auto, "x264", dir_.file("auto.mp4"));
    ASSERT_EQ(s.state, StreamState::Finished) << s.error;
    if (FrameConverter::gpu_available()) {
        EXPECT_NE(s.decoder.find("on NVDEC"), std::string::npos) << s.decoder;
    } else {
        EXPECT_NE(s.decoder.find("on the CPU (libavcodec); NVDEC: its device frames need CUDA kernels"),
                  std::string::npos)
            << s.decoder;
    }
}

TEST_F(NvdecTranscode, Av1FallsBackToTheCpuWithTheReason) {
    const std::string av1 = dir_.file("in.mkv");
    const auto r = run_command("'" + ffmpeg_path() + "' -hide_banner -loglevel error -y -f lavfi -i "
                               "testsrc2=size=320x240:rate=30 -frames:v 5 -c:v libsvtav1 -preset 12 '" + av1 + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    InputOptions o;
    o.decoder = DecoderChoice::Nvdec;
    try {
        open_source(av1, o);
        FAIL() << "NVDEC accepted AV1 on an emulated H200";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("NVDEC cannot decode it"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("AV1"), std::string::npos) << e.what();
    }
    o.decoder = DecoderChoice::Auto;
    auto source = open_source(av1, o);
    EXPECT_NE(source->info().decoder.find("on the CPU (libavcodec); NVDEC:"), std::string::npos)
        << source->info().decoder;
}

}  // namespace
}  // namespace nvcast::test
