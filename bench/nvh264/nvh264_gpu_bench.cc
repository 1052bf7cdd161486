// nvh264 on the GPU: throughput, per-frame latency (frame in GPU memory -> packet on the host)
// and a per-stage breakdown from CUDA events, at 720p / 1080p / 4K, against x264 (ultrafast,
// superfast, veryfast; N threads) on the same frames in the same run. Prints markdown; asserts nothing.
//
//   nvh264_gpu_bench [--frames N] [--gpu-frames N] [--sizes 720p,1080p,4k] [--x264-threads N] [--qp Q] [--preset P]
//
// --gpu-frames (default --frames) sets the nvh264 runs' length, --frames the x264 runs'.
//
// Frames are generated once (nvcast's synthetic source, 16 distinct frames cycled), uploaded to the
// GPU once, so no source caps the encoder. x264 reads the same frames from host memory.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/nvh264/nvh264_encoder.h"
#include "nvcast/nvcast.h"

using namespace nvcast;
using Clock = std::chrono::steady_clock;

namespace {

struct Size {
    const char* name;
    int w, h;
};

struct Result {
    std::string encoder;
    double fps = 0, median_ms = 0, p99_ms = 0, kbit_per_frame = 0;
    std::string note;
};

Frame to_device(const Frame& host) {
    std::array<uint8_t*, Frame::kMaxPlanes> data{};
    std::array<int, Frame::kMaxPlanes> pitch{};
    size_t sizes[3], total = 0;
    for (int c = 0; c < 3; ++c) {
        pitch[c] = static_cast<int>((plane_row_bytes(host.format(), host.width(), c) + 255) / 256 * 256);
        sizes[c] = static_cast<size_t>(pitch[c]) * plane_rows(host.format(), host.height(), c);
        total += sizes[c];
    }
    void* mem = nullptr;
    if (cudaMalloc(&mem, total) != cudaSuccess) throw std::runtime_error("cudaMalloc failed");
    std::shared_ptr<void> keep(mem, [](void* p) { cudaFree(p); });
    uint8_t* p = static_cast<uint8_t*>(mem);
    for (int c = 0; c < 3; ++c) {
        data[c] = p;
        cudaMemcpy2D(p, static_cast<size_t>(pitch[c]), host.data(c), static_cast<size_t>(host.pitch(c)),
                     plane_row_bytes(host.format(), host.width(), c),
                     static_cast<size_t>(plane_rows(host.format(), host.height(), c)), cudaMemcpyHostToDevice);
        p += sizes[c];
    }
    return Frame::wrap(host.format(), host.width(), host.height(), MemoryType::Cuda, data, pitch, keep);
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5))];
}

EncoderConfig base_config(int w, int h, int qp, int preset) {
    EncoderConfig c;
    c.width = w;
    c.height = h;
    c.fps_num = 60;
    c.rc.mode = RateControlMode::CQP;
    c.rc.qp = qp;
    c.preset = preset;
    c.gop_length = kInfiniteGop;
    c.tuning = Tuning::LowLatency;
    return c;
}

// Encodes `frames` frames cycling through `input`; latency is send_frame -> packet in hand.
template <class Make>
Result run(const std::string& name, Make make_encoder, const std::vector<Frame>& input, int frames, int warmup) {
    std::unique_ptr<Encoder> enc = make_encoder();
    Result r;
    r.encoder = name;
    std::vector<double> lat;
    int64_t bytes = 0;
    int64_t got = 0;
    auto drain = [&] {
        while (auto p = enc->receive_packet()) {
            bytes += static_cast<int64_t>(p->size());
            ++got;
        }
    };
    for (int i = 0; i < warmup; ++i) {
        enc->send_frame(input[static_cast<size_t>(i) % input.size()]);
        drain();
    }
    bytes = 0;
    got = 0;
    const auto t0 = Clock::now();
    for (int i = 0; i < frames; ++i) {
        Frame f = input[static_cast<size_t>(warmup + i) % input.size()];
        f.pts = warmup + i;
        const auto s = Clock::now();
        enc->send_frame(f);
        const int64_t before = got;
        drain();
        if (got > before) lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
    }
    enc->flush();
    drain();
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    r.fps = frames / seconds;
    r.median_ms = percentile(lat, 0.5);
    r.p99_ms = percentile(lat, 0.99);
    r.kbit_per_frame = static_cast<double>(bytes) * 8 / 1000 / frames;
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int frames = 300, gpu_frames = -1, x264_threads = 16, qp = 26, preset = 4;
    std::string sizes_arg = "720p,1080p,4k";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--frames") frames = std::atoi(v.c_str());
        else if (a == "--gpu-frames") gpu_frames = std::atoi(v.c_str());
        else if (a == "--sizes") sizes_arg = v;
        else if (a == "--x264-threads") x264_threads = std::atoi(v.c_str());
        else if (a == "--qp") qp = std::atoi(v.c_str());
        else if (a == "--preset") preset = std::atoi(v.c_str());
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    if (gpu_frames < 0) gpu_frames = frames;
    std::string why;
    if (!nvh264::cuda_engine_usable(why)) {
        std::fprintf(stderr, "nvh264_gpu_bench needs the CUDA engine: %s\n", why.c_str());
        return 1;
    }
    const Size all[] = {{"720p", 1280, 720}, {"1080p", 1920, 1080}, {"4k", 3840, 2160}};
    bool have_x264 = false;
    for (const BackendInfo& b : probe_backends()) have_x264 |= b.name == "x264" && b.available;

    std::printf("# nvh264 GPU benchmark: %d frames per nvh264 run, %d per x264 run, CQP %d, preset P%d, low-latency; "
                "x264 with %d threads\n\n",
                gpu_frames, frames, qp, preset, x264_threads);
    std::map<std::string, std::vector<std::pair<std::string, double>>> stages;
    std::printf("| size | encoder | fps | latency median ms | latency p99 ms | kbit/frame | vs x264 superfast |\n");
    std::printf("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (const Size& s : all) {
        if (sizes_arg.find(s.name) == std::string::npos) continue;
        const std::vector<Frame> host = read_frames(*open_synthetic(s.w, s.h, 60, 1, 16, PixelFormat::I420, 5));
        std::vector<Frame> device;
        for (const Frame& f : host) device.push_back(to_device(f));
        std::vector<Result> results;
        const EncoderConfig cfg = base_config(s.w, s.h, qp, preset);
        nvh264::Options gpu_opt;
        gpu_opt.engine = nvh264::EngineChoice::Cuda;
        results.push_back(run("nvh264 CUDA (device frames)",
                              [&] { return std::make_unique<nvh264::NvH264Encoder>(cfg, gpu_opt); }, device, gpu_frames, 3));
        results.push_back(run("nvh264 CUDA (host frames)",
                              [&] { return std::make_unique<nvh264::NvH264Encoder>(cfg, gpu_opt); }, host, gpu_frames, 3));
        {  // stage breakdown: a separate run, since timing adds a sync per frame
            nvh264::Options timed = gpu_opt;
            timed.stage_timing = true;
            nvh264::NvH264Encoder enc(cfg, timed);
            const int n = std::min(gpu_frames, 100);
            for (int i = 0; i < n; ++i) {
                enc.send_frame(device[static_cast<size_t>(i) % device.size()]);
                while (enc.receive_packet()) {
                }
            }
            auto t = enc.stage_times();
            for (auto& [name, ms] : t) ms /= n;
            stages[s.name] = t;
        }
        if (s.w <= 1280) {
            nvh264::Options cpu_opt;
            cpu_opt.engine = nvh264::EngineChoice::Cpu;
            EncoderConfig cpu_cfg = cfg;
            cpu_cfg.threads = x264_threads;  // its per-macroblock stages split rows among threads, as x264's peers do
            results.push_back(run("nvh264 CPU reference (" + std::to_string(x264_threads) + " threads)",
                                  [&] { return std::make_unique<nvh264::NvH264Encoder>(cpu_cfg, cpu_opt); }, host,
                                  std::min(gpu_frames, 5), 1));
        }
        double superfast = 0;
        if (have_x264) {
            const char* names[] = {"ultrafast", "superfast", "veryfast"};
            for (int p = 1; p <= 3; ++p) {
                EncoderConfig xc = base_config(s.w, s.h, qp, p);
                xc.tuning = Tuning::HighQuality;  // frame threads + lookahead: x264's best throughput
                xc.threads = x264_threads;
                Result r = run(std::string("x264 ") + names[p - 1] + " (" + std::to_string(x264_threads) + " threads)",
                               [&] { return open_encoder("x264", xc).encoder; }, host, frames, 10);
                if (p == 2) superfast = r.fps;
                results.push_back(r);
                xc.tuning = Tuning::LowLatency;  // zerolatency: one frame in, one packet out
                results.push_back(run(std::string("x264 ") + names[p - 1] + " zerolatency (" +
                                          std::to_string(x264_threads) + " threads)",
                                      [&] { return open_encoder("x264", xc).encoder; }, host, frames, 10));
            }
        }
        for (const Result& r : results) {
            char ratio[32] = "-";
            if (superfast > 0) std::snprintf(ratio, sizeof ratio, "%.2fx", r.fps / superfast);
            std::printf("| %s | %s | %.1f | %.2f | %.2f | %.1f | %s |\n", s.name, r.encoder.c_str(), r.fps, r.median_ms,
                        r.p99_ms, r.kbit_per_frame, ratio);
        }
        std::fflush(stdout);
    }
    std::printf("\n## nvh264 CUDA stages, GPU ms per frame (CUDA events, device frames)\n\n| stage |");
    std::vector<std::string> order;
    for (const Size& s : all)
        if (stages.count(s.name)) std::printf(" %s |", s.name);
    std::printf("\n| --- |");
    for (const Size& s : all)
        if (stages.count(s.name)) std::printf(" ---: |");
    std::printf("\n");
    for (const auto& [size, t] : stages)
        for (const auto& [name, ms] : t)
            if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
    for (const std::string& name : order) {
        std::printf("| %s |", name.c_str());
        for (const Size& s : all) {
            if (!stages.count(s.name)) continue;
            double v = 0;
            for (const auto& [n, ms] : stages[s.name])
                if (n == name) v = ms;
            std::printf(" %.3f |", v);
        }
        std::printf("\n");
    }
    return 0;
}
