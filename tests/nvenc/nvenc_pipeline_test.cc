// The pipeline against NVENC's concurrent-session limit (emulated): a stream that cannot get a
// session falls back to the backend the user named, or the pipeline refuses, naming the stream.
#include <gtest/gtest.h>

#include "emu_env.h"
#include "nvcast/pipeline.h"
#include "support/test_support.h"

namespace nvcast::test {
namespace {

class NvencPipeline : public EmuTest {};

class CountingSink final : public PacketSink {
public:
    void write(const Packet&) override { ++packets; }
    void close() override {}
    int packets = 0;
};

PipelineConfig three_streams(const std::string& fallback) {
    PipelineConfig config;
    for (int i = 1; i <= 3; ++i) {
        StreamSpec s;
        s.name = "cam" + std::to_string(i);
        s.input = "synthetic:160x96@30:6";
        s.backend = "nvenc";
        s.fallback_backend = fallback;
        s.encoder.tuning = Tuning::LowLatency;
        SinkSpec sink;
        sink.custom = std::make_shared<CountingSink>();
        s.sinks.push_back(sink);
        config.streams.push_back(std::move(s));
    }
    return config;
}

TEST_F(NvencPipeline, SessionLimitFallsBackWhenAskedTo) {
    faults("session_limit=2");
    Pipeline pipeline(three_streams("x264"));
    pipeline.start();
    ASSERT_TRUE(pipeline.wait_for(std::chrono::minutes(1)));
    const auto stats = pipeline.stats();
    EXPECT_EQ(stats[0].encoder, "nvenc");
    EXPECT_EQ(stats[1].encoder, "nvenc");
    EXPECT_EQ(stats[2].encoder, "x264");
    EXPECT_NE(stats[2].selection.find("nvenc could not open"), std::string::npos) << stats[2].selection;
    EXPECT_NE(stats[2].selection.find("concurrent NVENC session limit reached"), std::string::npos) << stats[2].selection;
    for (const StreamStats& s : stats) {
        EXPECT_EQ(s.state, StreamState::Finished) << s.error;
        EXPECT_EQ(s.frames_encoded, 6);
    }
}

TEST_F(NvencPipeline, SessionLimitIsAClearRefusalOtherwise) {
    faults("session_limit=2");
    try {
        Pipeline pipeline(three_streams(""));
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::ResourceExhausted);
        EXPECT_NE(std::string(e.what()).find("stream 'cam3': "), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("concurrent NVENC session limit reached"), std::string::npos) << e.what();
    }
    // The sessions the refused pipeline opened were closed again: both slots are free.
    auto a = open_encoder("nvenc", config());
    EXPECT_NO_THROW(open_encoder("nvenc", config())) << "a session leaked";
}

}  // namespace
}  // namespace nvcast::test
