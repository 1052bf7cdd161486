// Frames per second of a source against a peer measured in the same run: copying each frame it
// delivered once more (a source can hardly be cheaper than writing its frame). Prints a Markdown table.
//   source_bench [--frames N] [SPEC ...]      default: synthetic:1280x720, 1920x1080, 3840x2160
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "nvcast/error.h"
#include "nvcast/source.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Row {
    std::string spec;
    double source_fps = 0, copy_fps = 0;
};

Row measure(const std::string& spec, int frames) {
    auto source = nvcast::open_source(spec);
    nvcast::Frame frame;
    int read = 0;
    const auto start = Clock::now();
    while (read < frames && source->read(frame)) ++read;
    Row row{spec, read / seconds_since(start), 0};
    nvcast::Frame copy = nvcast::Frame::allocate(frame.format(), frame.width(), frame.height());
    const auto copy_start = Clock::now();
    for (int i = 0; i < read; ++i) nvcast::copy_frame_pixels(frame, copy);
    row.copy_fps = read / seconds_since(copy_start);
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    int frames = 120;
    std::vector<std::string> specs;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--frames" && i + 1 < argc) frames = std::stoi(argv[++i]);
        else specs.push_back(a);
    }
    if (specs.empty()) specs = {"synthetic:1280x720", "synthetic:1920x1080", "synthetic:3840x2160"};
    std::printf("%u hardware threads, %d frames per source\n\n", std::thread::hardware_concurrency(), frames);
    std::printf("| source | frames/s | frame copies/s (peer) | source / copy time |\n|---|---:|---:|---:|\n");
    try {
        for (const std::string& spec : specs) {
            const Row r = measure(spec, frames);
            std::printf("| %s | %.0f | %.0f | %.1fx |\n", r.spec.c_str(), r.source_fps, r.copy_fps, r.copy_fps / r.source_fps);
            std::fflush(stdout);
        }
    } catch (const nvcast::Error& e) {
        std::fprintf(stderr, "source_bench: %s\n", e.what());
        return 1;
    }
}
