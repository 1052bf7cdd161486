// The pipeline's aggregate throughput for 1, 2, 4 ... streams (scaling against one stream in the
// same run) and its latency from "frame available" to "last RTP packet sent". Prints markdown;
// asserts nothing.
//
//   pipeline_bench [--source memory|cuda] [--size 1920x1080] [--frames N] [--streams 1,2,4]
//                  [--backend x264] [--preset p1] [--scale WxH] [--threads N] [--latency]
//
// --source memory (default): 16 synthetic frames generated once and cycled from host memory, so no
//   source caps the encoders (the synthetic: source renders each frame anew on the host's cores).
// --source cuda: frames drawn by a CUDA kernel straight into device memory (cuda-synthetic:).
// --latency: one stream at its real frame rate (60 fps) to RTP on loopback; reports the encode
//   latency (frame available -> packet) and the frame -> last RTP packet sent latency.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "nvcast/nvcast.h"
#include "nvcast/pipeline.h"
#include "nvcast/settings.h"
#include "nvcast/stream.h"

using namespace nvcast;

namespace {

struct Args {
    std::string source = "memory";
    int width = 1920, height = 1080;
    int frames = 300;
    std::vector<int> streams = {1, 2, 4};
    std::string backend = "x264";
    std::string preset = "p1";
    std::string scale;
    bool latency = false;
    int threads = 0;  // encoder threads per stream (0 = the encoder's default: x264 takes every core)
};

// Cycles pre-generated host frames: reading is one copy per frame into the pipeline's pool.
class MemorySource final : public FrameSource {
public:
    MemorySource(const std::vector<Frame>& frames, int64_t count, int fps)
        : frames_(frames), count_(count) {
        info_.width = frames[0].width();
        info_.height = frames[0].height();
        info_.fps_num = fps;
        info_.format = frames[0].format();
        info_.color = ColorDescription::bt709();
        info_.frame_count = count;
    }
    const SourceInfo& info() const override { return info_; }
    bool read(Frame& frame) override {
        if (next_ >= count_) return false;
        const Frame& src = frames_[static_cast<size_t>(next_ % static_cast<int64_t>(frames_.size()))];
        if (frame.empty() || frame.width() != src.width() || frame.height() != src.height() || frame.format() != src.format())
            frame = Frame::allocate(src.format(), src.width(), src.height());
        copy_frame_pixels(src, frame);
        frame.pts = next_++;
        return true;
    }

private:
    const std::vector<Frame>& frames_;
    SourceInfo info_;
    int64_t count_;
    int64_t next_ = 0;
};

// 16 frames in memory, cycled: a source that costs nothing.
std::vector<Frame> make_frames(int w, int h) { return read_frames(*open_synthetic(w, h, 60, 1, 16, PixelFormat::I420, 7)); }

// Counts packets, keeps nothing.
class NullSink final : public PacketSink {
public:
    void write(const Packet&) override {}
    void close() override {}
};

StreamSpec make_spec(const Args& a, int index, const std::vector<Frame>& frames, int fps, bool realtime) {
    StreamSettings s;
    s.name = "s" + std::to_string(index);
    s.encoder.backend = a.backend;
    s.encoder.preset = a.preset;
    s.encoder.tune = "ll";
    s.encoder.qp = 27;
    s.prepare.scale = a.scale;
    s.encoder.gop = "120";
    s.encoder.threads = a.threads;
    StreamSpec spec;
    spec.name = s.name;
    spec.prepare = make_prepare_spec(s.prepare);
    if (a.source == "cuda") {
        spec.input = "cuda-synthetic:" + std::to_string(a.width) + "x" + std::to_string(a.height) + "@" +
                     std::to_string(fps) + ":" + std::to_string(a.frames);
        spec.input_options.format = PixelFormat::NV12;
        spec.source = std::shared_ptr<FrameSource>(open_source(spec.input, spec.input_options));
    } else {
        spec.input = "memory";
        spec.source = std::make_shared<MemorySource>(frames, a.frames, fps);
    }
    const Preparation plan(spec.prepare, spec.source->info());
    spec.encoder = make_encoder_config(s.encoder, plan.output());
    spec.backend = a.backend;
    spec.realtime = realtime;
    SinkSpec sink;
    sink.target = "null";
    sink.custom = std::make_shared<NullSink>();
    spec.sinks.push_back(sink);
    return spec;
}

std::vector<StreamStats> run(PipelineConfig config, double& seconds) {
    Pipeline pipeline(std::move(config));
    const auto start = std::chrono::steady_clock::now();
    pipeline.start();
    pipeline.wait();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return pipeline.stats();
}

void throughput(const Args& a) {
    const std::vector<Frame> frames = a.source == "memory" ? make_frames(a.width, a.height) : std::vector<Frame>{};
    std::printf("| streams | backend | threads/stream | source | frames/stream | wall s | aggregate fps | per-stream fps | scaling vs 1 | host<->device copies/frame |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    double one = 0;
    for (int n : a.streams) {
        PipelineConfig config;
        for (int i = 0; i < n; ++i) config.streams.push_back(make_spec(a, i + 1, frames, 60, false));
        double seconds = 0;
        const auto stats = run(std::move(config), seconds);
        int64_t encoded = 0, copies = 0;
        std::string encoder;
        for (const StreamStats& s : stats) {
            if (s.state != StreamState::Finished) std::fprintf(stderr, "%s: %s\n", s.name.c_str(), s.error.c_str());
            encoded += s.frames_encoded;
            copies += s.host_device_copies;
            encoder = s.encoder;
        }
        const double fps = static_cast<double>(encoded) / seconds;
        if (n == a.streams.front()) one = fps / n;
        std::printf("| %d | %s | %s | %s | %d | %.2f | %.1f | %.1f | %.2fx | %.2f |\n", n, encoder.c_str(),
                    a.threads ? std::to_string(a.threads).c_str() : "auto", a.source.c_str(),
                    a.frames, seconds, fps, fps / n, one > 0 ? fps / one : 0,
                    encoded ? static_cast<double>(copies) / static_cast<double>(encoded) : 0);
        std::fflush(stdout);
    }
}

void latency(const Args& a) {
    const std::vector<Frame> frames = a.source == "memory" ? make_frames(a.width, a.height) : std::vector<Frame>{};
    rtp::ReceiverConfig rc;
    rc.local.host = "127.0.0.1";
    rtp::UdpReceiver receiver(rc);
    std::atomic<bool> stop{false};
    std::thread drain([&] {
        while (!stop) receiver.receive(std::chrono::milliseconds(20));
    });
    StreamSpec spec = make_spec(a, 1, frames, 60, true);
    spec.sinks.clear();
    SinkSpec rtp_sink;
    rtp_sink.target = "rtp://127.0.0.1:" + std::to_string(receiver.port());
    rtp_sink.rtp.sender.pacing_rate = -1;  // no pacing: the latency of the pipeline itself
    spec.sinks.push_back(rtp_sink);
    spec.drop = DropPolicy::DropOldest;
    PipelineConfig config;
    config.streams.push_back(std::move(spec));
    double seconds = 0;
    const StreamStats s = run(std::move(config), seconds).front();
    stop = true;
    drain.join();
    const rtp::SenderStats net = s.sinks[0].network.value_or(rtp::SenderStats{});
    std::printf("| size | encoder | source | frames | dropped | encode latency mean / max ms | frame -> last RTP packet mean / max ms |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    std::printf("| %dx%d@60 | %s | %s | %lld | %lld | %.2f / %.2f | %.2f / %.2f |\n", s.width, s.height, s.encoder.c_str(),
                a.source.c_str(), static_cast<long long>(s.frames_encoded), static_cast<long long>(s.frames_dropped()),
                s.encode_latency_mean_ms, s.encode_latency_max_ms, net.mean_frame_latency_ms, net.max_frame_latency_ms);
    if (!s.error.empty()) std::fprintf(stderr, "%s\n", s.error.c_str());
}

std::vector<int> parse_list(const char* text) {
    std::vector<int> out;
    for (const char* p = text; *p;) {
        out.push_back(std::atoi(p));
        const char* comma = std::strchr(p, ',');
        if (!comma) break;
        p = comma + 1;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : "";
        if (k == "--source") a.source = v, ++i;
        else if (k == "--size") {
            const auto s = parse_frame_size(v);
            if (!s) return std::fprintf(stderr, "bad --size\n"), 2;
            a.width = s->first, a.height = s->second, ++i;
        } else if (k == "--frames") a.frames = std::atoi(v), ++i;
        else if (k == "--streams") a.streams = parse_list(v), ++i;
        else if (k == "--backend") a.backend = v, ++i;
        else if (k == "--preset") a.preset = v, ++i;
        else if (k == "--scale") a.scale = v, ++i;
        else if (k == "--latency") a.latency = true;
        else if (k == "--threads") a.threads = std::atoi(v), ++i;
        else return std::fprintf(stderr, "unknown option %s\n", k.c_str()), 2;
    }
    try {
        if (a.latency) latency(a);
        else throughput(a);
    } catch (const Error& e) {
        std::fprintf(stderr, "pipeline_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
