// Per-frame latency (send -> packet) and throughput of the nvenc backend running on
// the NVENC emulator, against the bare software encoder the emulator wraps, with
// the same settings. The difference is the cost of the NVENC path itself (upload
// into input buffers, session bookkeeping, bitstream locking) — the backend overhead.
//
//   nvenc_overhead_bench [codec=h264|hevc|av1] [WxH=1280x720] [frames=120] [rounds=5]
// AV1: SVT-AV1 holds one frame even in low delay and encodes on its own threads; the
// emulator gives NVENC's synchronous contract (at most that one frame pending when a
// call returns), and the bare run is held to the same contract, so both pay the same lag.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "nvcast/nvcast.h"

using namespace nvcast;
using Clock = std::chrono::steady_clock;

namespace {

struct Result {
    double median_ms = 0, p95_ms = 0, fps = 0;
};

// Encodes `frames`; after each send waits until at most `max_in_flight` frames lack their
// packet. Latency is each frame's send -> its packet (packets come in send order here).
Result run(const std::string& backend, const EncoderConfig& cfg, const std::vector<Frame>& frames,
           size_t max_in_flight) {
    auto opened = open_encoder(backend, cfg);
    std::vector<double> latency;
    std::deque<Clock::time_point> sent;
    auto drain = [&] {
        while (opened.encoder->receive_packet()) {
            latency.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent.front()).count());
            sent.pop_front();
        }
    };
    const auto start = Clock::now();
    for (size_t i = 0; i < frames.size(); ++i) {
        Frame f = frames[i];
        f.pts = static_cast<int64_t>(i);
        sent.push_back(Clock::now());
        opened.encoder->send_frame(f);
        drain();
        while (sent.size() > max_in_flight) {  // an asynchronous encoder (SVT-AV1) still working
            std::this_thread::sleep_for(std::chrono::microseconds(100));
            drain();
        }
    }
    opened.encoder->flush();
    while (!sent.empty() && opened.encoder->receive_packet()) sent.pop_front();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::sort(latency.begin(), latency.end());
    Result r;
    if (!latency.empty()) {
        r.median_ms = latency[latency.size() / 2];
        r.p95_ms = latency[latency.size() * 95 / 100];
    }
    r.fps = static_cast<double>(frames.size()) / seconds;
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const std::string codec_name = argc > 1 ? argv[1] : "h264";
    int width = 1280, height = 720;
    if (argc > 2) {
        const auto size = parse_frame_size(argv[2]);
        if (!size) return std::fprintf(stderr, "nvenc_overhead_bench: bad size '%s' (WIDTHxHEIGHT)\n", argv[2]), 2;
        std::tie(width, height) = *size;
    }
    const int count = argc > 3 ? std::atoi(argv[3]) : 120;
    const int rounds = argc > 4 ? std::atoi(argv[4]) : 5;
    ::setenv("NVCAST_NVENC_LIBRARY", NVCAST_EMU_LIB_DIR "/libnvidia-encode.so.1", 0);
    ::setenv("NVCAST_CUDA_LIBRARY", NVCAST_EMU_LIB_DIR "/libcuda.so.1", 0);
    set_log_level(LogLevel::Error);

    EncoderConfig cfg;
    cfg.codec = parse_codec(codec_name);
    cfg.width = width;
    cfg.height = height;
    cfg.tuning = Tuning::LowLatency;  // zero frames in flight: latency = one encode
    cfg.rc.mode = RateControlMode::CQP;
    cfg.rc.qp = 26;
    cfg.preset = 4;
    cfg.gop_length = 250;
    const std::string software = cfg.codec == Codec::HEVC ? "x265" : cfg.codec == Codec::AV1 ? "svtav1" : "x264";

    auto source = open_synthetic(width, height, 30, 1, count, PixelFormat::I420, 7);
    std::vector<Frame> frames;
    for (int i = 0; i < count; ++i) {
        Frame f = Frame::allocate(PixelFormat::I420, width, height);
        if (!source->read(f)) break;
        frames.push_back(std::move(f));
    }

    // Alternate the two so drift in machine load hits both alike.
    std::vector<double> sw_med, sw_fps, nv_med, nv_fps, sw_p95, nv_p95;
    for (int r = 0; r < rounds; ++r) {
        const size_t lag = cfg.codec == Codec::AV1 ? 1 : 0;
        const Result a = run(software, cfg, frames, lag);
        const Result b = run("nvenc", cfg, frames, lag);
        sw_med.push_back(a.median_ms);
        sw_p95.push_back(a.p95_ms);
        sw_fps.push_back(a.fps);
        nv_med.push_back(b.median_ms);
        nv_p95.push_back(b.p95_ms);
        nv_fps.push_back(b.fps);
    }
    std::printf("%s %dx%d, %d frames x %d rounds, CQP 26, P4, low-latency (medians over rounds)\n", codec_name.c_str(),
                width, height, count, rounds);
    std::printf("| path | latency median (ms) | latency p95 (ms) | fps |\n|---|---|---|---|\n");
    std::printf("| %s (bare) | %.2f | %.2f | %.1f |\n", software.c_str(), median(sw_med), median(sw_p95), median(sw_fps));
    std::printf("| nvenc backend -> emulator -> %s | %.2f | %.2f | %.1f |\n", software.c_str(), median(nv_med),
                median(nv_p95), median(nv_fps));
    std::printf("| ratio nvenc/bare | %.3f | %.3f | %.3f |\n", median(nv_med) / median(sw_med),
                median(nv_p95) / median(sw_p95), median(nv_fps) / median(sw_fps));
    return 0;
}
