// What a process split costs per frame: the time from FramePublisher::publish() in one process to
// the frame coming out of the subscriber's read() in another (host frames through a memfd ring,
// CUDA frames through an exported device allocation with flags the GPU writes), beside the
// in-process pipeline's hand-off between its reader and encoder threads (BoundedQueue) measured in
// the same run. Frames come like a live camera's: at the input's rate, each drawn when its time
// comes, stamped and handed on, then the producer waits for the next. Every frame's pixels are
// checked on arrival (outside the timed span), and the publisher's copy count must stay 0.
//
//   ipc_latency [--memory host|cuda] [--size 3840x2160] [--frames 300] [--fps 60]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gpu/frame_transfer.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/source.h"
#include "pipeline/bounded_queue.h"

namespace {

using namespace nvcast;
using Clock = std::chrono::steady_clock;

struct Options {
    MemoryType memory = MemoryType::Host;
    int width = 3840, height = 2160, frames = 300, fps = 60;
};

int64_t now_ns() {  // CLOCK_MONOTONIC: the same clock in both processes
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

SourceInfo frame_info(const Options& o) {
    SourceInfo info;
    info.width = o.width;
    info.height = o.height;
    info.fps_num = o.fps;
    info.format = PixelFormat::NV12;
    info.frame_count = o.frames;
    info.memory = o.memory;
    return info;
}

// What the "camera" draws: device frames by the CUDA synthetic kernel, host frames a flat value
// per frame (cheap, so that drawing never makes the publisher late).
class Camera {
public:
    explicit Camera(const Options& o) : o_(o) {
        if (o.memory == MemoryType::Cuda)
            device_ = open_device_synthetic(o.width, o.height, o.fps, 1, o.frames, PixelFormat::NV12, 7);
    }
    void draw(Frame& f, int index) {
        if (device_) {
            if (!device_->read(f)) throw Error(ErrorCode::InvalidState, "the CUDA synthetic source ended early");
            return;
        }
        if (f.empty()) f = Frame::allocate(PixelFormat::NV12, o_.width, o_.height);
        for (int p = 0; p < 2; ++p)
            for (int y = 0; y < plane_rows(PixelFormat::NV12, o_.height, p); ++y)
                std::memset(f.data(p) + static_cast<size_t>(y) * static_cast<size_t>(f.pitch(p)), index & 255,
                            plane_row_bytes(PixelFormat::NV12, o_.width, p));
    }

private:
    Options o_;
    std::unique_ptr<FrameSource> device_;
};

// Checks that a frame arrived intact: the same pixels as a second camera draws for that index.
class Checker {
public:
    // Draws and reads back one frame now, so that the checker's own first-use costs (a CUDA
    // context's lazy module loading, allocations) do not hold up the frames queued behind the first.
    explicit Checker(const Options& o) : camera_(o), o_(o) {
        Camera warm_up(o);  // a camera of its own: camera_ must start at frame 0
        Frame f;
        warm_up.draw(f, 0);
        host(f, expected_host_);
        if (o.memory == MemoryType::Cuda) got_host_ = Frame::allocate(PixelFormat::NV12, o.width, o.height);
    }
    bool intact(const Frame& got, int index) {
        camera_.draw(expected_, index);
        Frame a = host(got, got_host_), b = host(expected_, expected_host_);
        for (int p = 0; p < 2; ++p)
            for (int y = 0; y < plane_rows(PixelFormat::NV12, o_.height, p); ++y)
                if (std::memcmp(a.data(p) + static_cast<size_t>(y) * static_cast<size_t>(a.pitch(p)),
                                b.data(p) + static_cast<size_t>(y) * static_cast<size_t>(b.pitch(p)),
                                plane_row_bytes(PixelFormat::NV12, o_.width, p)) != 0)
                    return false;
        return true;
    }

private:
    Frame host(const Frame& f, Frame& buffer) {
        if (f.memory() == MemoryType::Host) return f;
        if (buffer.empty()) buffer = Frame::allocate(PixelFormat::NV12, o_.width, o_.height);
        gpu::copy_frame_now(f, buffer);
        return buffer;
    }
    Camera camera_;
    Options o_;
    Frame expected_, got_host_, expected_host_;
};

struct Latencies {
    std::vector<double> us;
    int bad_frames = 0;
    double percentile(double p) const {
        std::vector<double> v = us;
        std::sort(v.begin(), v.end());
        return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
    }
    double mean() const {
        double s = 0;
        for (double x : us) s += x;
        return us.empty() ? 0 : s / static_cast<double>(us.size());
    }
};

void pace(Clock::time_point start, int index, int fps) {
    std::this_thread::sleep_until(start + std::chrono::microseconds(1000000LL * index / fps));
}

// The publisher process: draws each frame into a slot of the ring and publishes it, stamped.
int publish(const Options& o, const std::string& name) {
    ipc::PublisherConfig config;
    config.name = name;
    config.slots = 4;
    ipc::FramePublisher publisher(config, frame_info(o));
    Camera camera(o);
    Latencies in_publish;  // the publisher's own share: the publish() call
    const auto start = Clock::now();
    for (int i = 0; i < o.frames; ++i) {
        Frame& f = publisher.next_buffer();
        pace(start, i, o.fps);
        camera.draw(f, i);
        f.pts = now_ns();
        publisher.publish(f);
        in_publish.us.push_back(static_cast<double>(now_ns() - f.pts) / 1000.0);
    }
    publisher.finish();
    const ipc::PublisherStats s = publisher.stats();
    std::fprintf(stderr, "publisher: %s\npublisher: publish() took p50 %.1f µs, p99 %.1f µs\n",
                 publisher.summary().c_str(), in_publish.percentile(0.5), in_publish.percentile(0.99));
    return s.copies == 0 && s.published == o.frames ? 0 : 1;
}

Latencies subscribe(const Options& o, const std::string& name) {
    Checker checker(o);  // before connecting: the publisher starts sending once a subscriber is there
    auto source = ipc::open_subscriber(name, 20);
    Latencies l;
    Frame f;
    for (int i = 0; source->read(f); ++i) {
        l.us.push_back(static_cast<double>(now_ns() - f.pts) / 1000.0);
        if (!checker.intact(f, i)) ++l.bad_frames;
        f = Frame();  // the slot goes back now
    }
    return l;
}

// The in-process peer: the pipeline's reader thread hands frames to its encoder thread.
Latencies in_process(const Options& o) {
    pipeline::BoundedQueue<Frame> queue(4);
    Latencies l;
    std::thread consumer([&] {
        Checker checker(o);
        for (int i = 0;; ++i) {
            std::optional<Frame> f = queue.pop();
            if (!f) break;
            l.us.push_back(static_cast<double>(now_ns() - f->pts) / 1000.0);
            if (!checker.intact(*f, i)) ++l.bad_frames;
        }
    });
    Camera camera(o);
    const auto start = Clock::now();
    for (int i = 0; i < o.frames; ++i) {
        Frame f;
        pace(start, i, o.fps);
        camera.draw(f, i);
        f.pts = now_ns();
        queue.push(std::move(f), DropPolicy::Block);
    }
    queue.close();
    consumer.join();
    return l;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--memory") o.memory = v == "cuda" ? MemoryType::Cuda : MemoryType::Host;
        else if (k == "--size") {
            const auto s = parse_frame_size(v);
            if (!s) throw Error(ErrorCode::InvalidArgument, "--size takes WIDTHxHEIGHT, not " + v);
            std::tie(o.width, o.height) = *s;
        } else if (k == "--frames") o.frames = std::stoi(v);
        else if (k == "--fps") o.fps = std::stoi(v);
        else throw Error(ErrorCode::InvalidArgument, "unknown option " + k);
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    const std::string name = "latency-" + std::to_string(::getpid());
    // Fork before anything touches CUDA: each process brings up its own context.
    const pid_t child = ::fork();
    if (child == 0) {
        try {
            ::_exit(publish(o, name));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "publisher: %s\n", e.what());
            ::_exit(2);
        }
    }
    const Latencies split = subscribe(o, name);
    int status = 0;
    ::waitpid(child, &status, 0);
    const Latencies local = in_process(o);
    const char* memory = o.memory == MemoryType::Cuda ? "cuda" : "host";
    std::printf("| path | memory | size | frames | mean µs | p50 µs | p99 µs | max µs | frames not intact |\n");
    std::printf("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (const auto& [label, l] : {std::pair{"in-process queue", &local}, std::pair{"two processes (ipc)", &split}})
        std::printf("| %s | %s | %dx%d | %zu | %.1f | %.1f | %.1f | %.1f | %d |\n", label, memory, o.width, o.height,
                    l->us.size(), l->mean(), l->percentile(0.5), l->percentile(0.99), l->percentile(1.0), l->bad_frames);
    std::printf("\nadded by the split: mean %.1f µs, p50 %.1f µs, p99 %.1f µs\n", split.mean() - local.mean(),
                split.percentile(0.5) - local.percentile(0.5), split.percentile(0.99) - local.percentile(0.99));
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && split.bad_frames == 0 && local.bad_frames == 0 &&
                    static_cast<int>(split.us.size()) == o.frames;
    if (!ok) std::fprintf(stderr, "FAILED: publisher status %d, frames %zu of %d, %d not intact\n", status,
                          split.us.size(), o.frames, split.bad_frames);
    return ok ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "ipc_latency: %s\n", e.what());
    return 1;
}
