// A bad stream names itself and the field; pipeline files check every key.
#include <gtest/gtest.h>

#include "nvcast/settings.h"
#include "pipeline_support.h"

using namespace nvcast;
using namespace nvcast::test;

namespace {

PipelineConfig one(StreamSpec s) {
    PipelineConfig c;
    c.streams.push_back(std::move(s));
    return c;
}

TEST(PipelineConfig, ABadStreamNamesItselfAndTheField) {
    TempDir dir;
    StreamSpec s = synthetic_stream("cam2", "synthetic:64x48@30:5", Codec::H264, "x264", {dir.file("o.mp4")});
    s.queue_frames = 0;
    EXPECT_NE(error_of([&] { Pipeline p(one(s)); }).find("stream 'cam2': queue_frames 0 is out of range (1..256)"),
              std::string::npos);
    s.queue_frames = 4;
    s.encoder.rc.qp = 99;
    EXPECT_NE(error_of([&] { Pipeline p(one(s)); }).find("stream 'cam2': "), std::string::npos);
    EXPECT_NE(error_of([&] { Pipeline p(one(s)); }).find("rc.qp"), std::string::npos);
    s.encoder.rc.qp = 28;
    s.input = "/nonexistent/cam.y4m";
    EXPECT_NE(error_of([&] { Pipeline p(one(s)); }).find("stream 'cam2': "), std::string::npos);
    s.input = "synthetic:64x48@30:5";
    s.sinks.clear();
    EXPECT_NE(error_of([&] { Pipeline p(one(s)); }).find("stream 'cam2': no sinks"), std::string::npos);
    s.sinks.push_back(SinkSpec{dir.file("o.webm"), {}, nullptr, {}});
    EXPECT_NE(error_of([&] { Pipeline p(one(s)); }).find("stream 'cam2': "), std::string::npos);
    s.sinks[0].target = "rtp://127.0.0.1:0";
    EXPECT_NE(error_of([&] { Pipeline p(one(s)); }).find("stream 'cam2': "), std::string::npos);
    s.sinks[0].target = dir.file("o.mp4");
    s.encoder.backend_options["x264.tune"] = "film";
    EXPECT_NE(error_of([&] { Pipeline p(one(s)); }).find("x264 has no option 'tune'"), std::string::npos);
    s.encoder.backend_options.clear();
    PipelineConfig twins = one(s);
    twins.streams.push_back(s);
    EXPECT_NE(error_of([&] { Pipeline p(std::move(twins)); }).find("two streams are named 'cam2'"), std::string::npos);
    EXPECT_NE(error_of([&] { Pipeline p(PipelineConfig{}); }).find("no streams"), std::string::npos);
}

#if NVCAST_HAVE_TOML
TEST(PipelineFile, StreamsDefaultsAndOutputs) {
    TempDir dir;
    const std::string text = R"(
[defaults]
codec = "h264"
backend = "x264"
preset = "p1"
bitrate = "500k"
rc = "cbr"

[[stream]]
name = "cam1"
input = "synthetic:64x48@30:6"
outputs = [")" + dir.file("cam1.mp4") + R"("]

[[stream]]
input = "synthetic:96x64@25:4"
codec = "hevc"
backend = "x265"
gop = "infinite"
drop = "drop-oldest"
queue = 8
scale = "48x32"
[[stream.output]]
target = ")" + dir.file("two.mkv") + R"("
)";
    PipelineConfig c = parse_pipeline_file(text, "cams.toml");
    ASSERT_EQ(c.streams.size(), 2u);
    EXPECT_EQ(c.streams[0].name, "cam1");
    EXPECT_EQ(c.streams[0].backend, "x264");
    EXPECT_EQ(c.streams[0].encoder.rc.mode, RateControlMode::CBR);
    EXPECT_EQ(c.streams[0].encoder.rc.bitrate, 500'000);
    EXPECT_EQ(c.streams[1].name, "stream 2");
    EXPECT_EQ(c.streams[1].encoder.codec, Codec::HEVC);
    EXPECT_EQ(c.streams[1].encoder.gop_length, kInfiniteGop);
    EXPECT_EQ(c.streams[1].drop, DropPolicy::DropOldest);
    EXPECT_EQ(c.streams[1].queue_frames, 8);
    EXPECT_EQ(c.streams[1].prepare.width, 48);
    Pipeline pipeline(std::move(c));
    pipeline.start();
    ASSERT_TRUE(pipeline.wait_for(std::chrono::minutes(1)));
    for (const StreamStats& s : pipeline.stats()) EXPECT_EQ(s.state, StreamState::Finished) << s.error;
    EXPECT_EQ(decode_file(dir.file("cam1.mp4")).size(), 6u);
    const auto two = decode_file(dir.file("two.mkv"));
    ASSERT_EQ(two.size(), 4u);
    EXPECT_EQ(two[0].width(), 48);
}

TEST(PipelineFile, ErrorsNameTheFileTheStreamAndTheKey) {
    auto error = [](const std::string& text) { return error_of([&] { parse_pipeline_file(text, "cams.toml"); }); };
    const std::string stream = "[[stream]]\nname = \"cam1\"\ninput = \"synthetic:64x48@30:2\"\noutputs = [\"x.h264\"]\n";
    EXPECT_NE(error(stream + "bitrat = \"4M\"\n").find("cams.toml: stream 'cam1': unknown key 'bitrat'"),
              std::string::npos)
        << error(stream + "bitrat = \"4M\"\n");
    EXPECT_NE(error(stream + "preset = \"p9\"\n").find("stream 'cam1': preset 'p9' is invalid"), std::string::npos);
    EXPECT_NE(error(stream + "qp = \"high\"\n").find("stream 'cam1': qp must be an integer"), std::string::npos);
    EXPECT_NE(error(stream + "drop = \"newest\"\n").find("drop policy 'newest' is invalid"), std::string::npos);
    EXPECT_NE(error("[[stream]]\nname = \"cam1\"\ninput = \"synthetic:64x48@30:2\"\n").find("stream 'cam1': no outputs"),
              std::string::npos);
    EXPECT_NE(error("[defaults]\ncodec = \"h264\"\n").find("no streams"), std::string::npos);
    EXPECT_NE(error("[[stream]\n").find("cams.toml:1:"), std::string::npos) << error("[[stream]\n");
    EXPECT_NE(error("colour = 1\n" + stream).find("cams.toml: unknown key 'colour'"), std::string::npos);
    EXPECT_NE(error(stream + "[[stream.output]]\nsdp = \"a.sdp\"\n").find("output 1: target is missing"),
              std::string::npos);
    EXPECT_NE(error_of([] { load_pipeline_file("/nonexistent/cams.toml"); }).find("cannot read pipeline file"),
              std::string::npos);
}
#endif

}  // namespace

namespace {

TEST(EncoderApi, BackendsWithoutReferenceInvalidationSaySo) {
    EncoderConfig c = quick_config(Codec::H264);
    c.width = 64;
    c.height = 48;
    auto opened = open_encoder("x264", c);
    EXPECT_FALSE(opened.encoder->capabilities().reference_invalidation);
    try {
        opened.encoder->invalidate_reference(0);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Unsupported);
        EXPECT_NE(std::string(e.what()).find("x264 cannot invalidate reference frames"), std::string::npos) << e.what();
    }
    // Encoders that copy their input at once always accept.
    const auto frames = synthetic_frames(64, 48, 3);
    for (const Frame& f : frames) EXPECT_EQ(opened.encoder->try_send_frame(f), SendResult::Accepted);
}

}  // namespace
