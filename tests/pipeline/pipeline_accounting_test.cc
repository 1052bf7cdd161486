// Frames in = frames encoded + frames dropped, per stream, whatever happens: a slow sink under
// each drop policy, a sink that fails, a source that is cut short.
#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline_support.h"

using namespace nvcast;
using namespace nvcast::test;

namespace {

StreamSpec recorded(const std::string& name, const std::string& input, std::shared_ptr<RecordingSink> sink) {
    StreamSpec s = synthetic_stream(name, input, Codec::H264, "x264", {});
    SinkSpec custom;
    custom.target = name + " (recorded)";
    custom.custom = std::move(sink);
    s.sinks.push_back(custom);
    return s;
}

StreamStats run_one(StreamSpec spec) {
    PipelineConfig config;
    config.streams.push_back(std::move(spec));
    Pipeline pipeline(std::move(config));
    pipeline.start();
    EXPECT_TRUE(pipeline.wait_for(std::chrono::minutes(2)));
    return pipeline.stats().front();
}

// A live source at 200 frames/s into a sink that takes 15 ms a frame: drop-oldest keeps up by
// dropping, and every frame is accounted for; what was encoded decodes frame-complete.
TEST(PipelineAccounting, DropOldestWithASlowSinkCountsEveryDrop) {
    auto sink = std::make_shared<RecordingSink>();
    sink->delay = std::chrono::milliseconds(15);
    StreamSpec s = recorded("live", "synthetic:96x64@200:80", sink);
    s.realtime = true;
    s.drop = DropPolicy::DropOldest;
    s.queue_frames = 2;
    const StreamStats st = run_one(std::move(s));
    EXPECT_EQ(st.state, StreamState::Finished) << st.error;
    EXPECT_EQ(st.frames_in, 80);
    EXPECT_GT(st.dropped_queue_full, 0);
    EXPECT_EQ(st.dropped_stream_failed, 0);
    expect_accounted(st);
    const auto packets = sink->packets();
    EXPECT_EQ(static_cast<int64_t>(packets.size()), st.frames_encoded);
    EXPECT_TRUE(sink->closed());
    TempDir dir;
    EncoderConfig c = quick_config(Codec::H264);
    c.width = 96;
    c.height = 64;
    EXPECT_EQ(static_cast<int64_t>(decode_packets(dir.file("live.h264"), c, packets).size()), st.frames_encoded);
}

TEST(PipelineAccounting, BlockWithASlowSinkLosesNothing) {
    auto sink = std::make_shared<RecordingSink>();
    sink->delay = std::chrono::milliseconds(5);
    StreamSpec s = recorded("file", "synthetic:96x64@200:40", sink);
    s.realtime = true;
    s.queue_frames = 2;
    const StreamStats st = run_one(std::move(s));
    EXPECT_EQ(st.state, StreamState::Finished) << st.error;
    EXPECT_EQ(st.frames_in, 40);
    EXPECT_EQ(st.frames_encoded, 40);
    EXPECT_EQ(st.frames_dropped(), 0);
}

TEST(PipelineAccounting, AFailingSinkEndsOnlyItsStreamAndItsFramesAreCounted) {
    auto failing = std::make_shared<RecordingSink>();
    failing->fail_at = 5;
    auto healthy = std::make_shared<RecordingSink>();
    PipelineConfig config;
    config.streams.push_back(recorded("broken", "synthetic:96x64@30:30", failing));
    config.streams.push_back(recorded("fine", "synthetic:96x64@30:30", healthy));
    Pipeline pipeline(std::move(config));
    pipeline.start();
    ASSERT_TRUE(pipeline.wait_for(std::chrono::minutes(2)));
    const auto stats = pipeline.stats();
    EXPECT_EQ(stats[0].state, StreamState::Failed);
    EXPECT_NE(stats[0].error.find("stream 'broken'"), std::string::npos) << stats[0].error;
    EXPECT_NE(stats[0].error.find("disk full (test)"), std::string::npos) << stats[0].error;
    EXPECT_GT(stats[0].dropped_stream_failed, 0);
    expect_accounted(stats[0]);
    EXPECT_TRUE(failing->closed());
    EXPECT_EQ(stats[1].state, StreamState::Finished) << stats[1].error;
    EXPECT_EQ(stats[1].frames_encoded, 30);
    EXPECT_TRUE(pipeline.any_failed());
}

TEST(PipelineAccounting, StopAllOnFailureStopsTheOthersCleanly) {
    auto failing = std::make_shared<RecordingSink>();
    failing->fail_at = 3;
    auto other = std::make_shared<RecordingSink>();
    PipelineConfig config;
    config.stop_all_on_failure = true;
    config.streams.push_back(recorded("broken", "synthetic:96x64@30:100000", failing));
    StreamSpec endless = recorded("endless", "synthetic:96x64@30:100000", other);
    endless.realtime = true;  // would run for an hour
    config.streams.push_back(std::move(endless));
    Pipeline pipeline(std::move(config));
    pipeline.start();
    ASSERT_TRUE(pipeline.wait_for(std::chrono::minutes(1)));
    const auto stats = pipeline.stats();
    EXPECT_EQ(stats[0].state, StreamState::Failed);
    EXPECT_EQ(stats[1].state, StreamState::Stopped) << stats[1].error;
    expect_accounted(stats[0]);
    expect_accounted(stats[1]);
    EXPECT_TRUE(other->closed());
}

TEST(PipelineAccounting, ATruncatedSourceEndsItsStreamWithAMessageAndAPlayableFile) {
    TempDir dir;
    const auto frames = synthetic_frames(64, 48, 10);
    write_y4m(dir.file("cut.y4m"), frames);
    const auto full = std::filesystem::file_size(dir.file("cut.y4m"));
    std::filesystem::resize_file(dir.file("cut.y4m"), full - 1000);  // the 10th frame is cut short
    StreamSpec s = synthetic_stream("cut", dir.file("cut.y4m"), Codec::H264, "x264", {dir.file("cut.mp4")});
    const StreamStats st = run_one(std::move(s));
    EXPECT_EQ(st.state, StreamState::Failed);
    EXPECT_NE(st.error.find("stream 'cut': source:"), std::string::npos) << st.error;
    EXPECT_EQ(st.frames_in, 9);
    EXPECT_EQ(st.frames_encoded, 9);
    expect_accounted(st);
    EXPECT_EQ(decode_file(dir.file("cut.mp4")).size(), 9u);
}

}  // namespace
