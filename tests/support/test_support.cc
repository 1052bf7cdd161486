#include "support/test_support.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

namespace nvcast::test {

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("nvcast-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

CommandResult run_command(const std::string& command_line, int timeout_s) {
    CommandResult result;
    const std::string full = "timeout " + std::to_string(timeout_s) + " " + command_line + " 2>&1 </dev/null";
    FILE* pipe = ::popen(full.c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buffer{};
    size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::string cli_path() { return NVCAST_CLI_EXE; }

CommandResult run_cli(const std::string& args, int timeout_s) {
    return run_command("'" + cli_path() + "' " + args, timeout_s);
}

std::string ffmpeg_path() { return NVCAST_FFMPEG_EXE; }
bool have_ffmpeg() { return !ffmpeg_path().empty() && std::filesystem::exists(ffmpeg_path()); }

std::vector<Frame> synthetic_frames(int width, int height, int count, PixelFormat format, uint32_t seed) {
    return read_frames(*open_synthetic(width, height, 30, 1, count, format, seed));
}

namespace {

void write_planes(std::ofstream& out, const Frame& f) {
    for (int p = 0; p < f.plane_count(); ++p) {
        const size_t row = plane_row_bytes(f.format(), f.width(), p);
        for (int y = 0; y < plane_rows(f.format(), f.height(), p); ++y)
            out.write(reinterpret_cast<const char*>(f.data(p) + static_cast<size_t>(y) * f.pitch(p)),
                      static_cast<std::streamsize>(row));
    }
}

}  // namespace

void write_y4m(const std::string& path, const std::vector<Frame>& frames, int fps_num, int fps_den) {
    std::ofstream out(path, std::ios::binary);
    const Frame& f0 = frames.at(0);
    const char* cs = "420jpeg";
    switch (f0.format()) {
        case PixelFormat::I420: cs = "420jpeg"; break;
        case PixelFormat::I444: cs = "444"; break;
        case PixelFormat::I420_10: cs = "420p10"; break;
        case PixelFormat::I444_10: cs = "444p10"; break;
        default: throw Error(ErrorCode::Unsupported, "write_y4m: unsupported format");
    }
    out << "YUV4MPEG2 W" << f0.width() << " H" << f0.height() << " F" << fps_num << ":" << fps_den
        << " Ip A1:1 C" << cs << "\n";
    for (const Frame& f : frames) {
        out << "FRAME\n";
        write_planes(out, f);
    }
}

void write_raw(const std::string& path, const std::vector<Frame>& frames) {
    std::ofstream out(path, std::ios::binary);
    for (const Frame& f : frames) write_planes(out, f);
}

std::vector<Packet> encode_all(const std::string& backend, const EncoderConfig& config,
                               const std::vector<Frame>& frames, const std::vector<int>& force_idr_at) {
    auto opened = open_encoder(backend, config);
    std::vector<Packet> packets;
    auto drain = [&] {
        while (auto p = opened.encoder->receive_packet()) packets.push_back(std::move(*p));
    };
    for (size_t i = 0; i < frames.size(); ++i) {
        FrameOptions options;
        for (int k : force_idr_at) options.force_idr |= static_cast<size_t>(k) == i;
        Frame f = frames[i];
        f.pts = static_cast<int64_t>(i);
        opened.encoder->send_frame(f, options);
        drain();
    }
    opened.encoder->flush();
    drain();
    return packets;
}

std::vector<Frame> decode_packets(const std::string& path, const EncoderConfig& config,
                                  const std::vector<Packet>& packets, const std::vector<uint8_t>& headers) {
    const StreamInfo info = stream_info_for(config, headers);
    {
        auto sink = open_sink(path, info);
        for (const Packet& p : packets) sink->write(p);
        sink->close();
    }
    return decode_all(path);
}

double mean_psnr(const std::vector<Frame>& source, const std::vector<Frame>& decoded) {
    PsnrAccumulator acc;
    for (size_t i = 0; i < std::min(source.size(), decoded.size()); ++i) acc.add(compute_psnr(source[i], decoded[i]));
    return acc.mean().average;
}

double bitrate_of(const std::vector<Packet>& packets, const EncoderConfig& config) {
    double bytes = 0;
    for (const Packet& p : packets) bytes += static_cast<double>(p.size());
    const double seconds = static_cast<double>(packets.size()) * config.fps_den / config.fps_num;
    return seconds > 0 ? bytes * 8 / seconds : 0;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

uint64_t fnv1a(std::span<const uint8_t> bytes, uint64_t h) {
    for (uint8_t b : bytes) h = (h ^ b) * 1099511628211ull;
    return h;
}

uint64_t frame_hash(const Frame& frame) {
    uint64_t h = kFnv1aBasis;
    for (int p = 0; p < frame.plane_count(); ++p)
        for (int y = 0; y < plane_rows(frame.format(), frame.height(), p); ++y)
            h = fnv1a({frame.data(p) + static_cast<size_t>(y) * frame.pitch(p), plane_row_bytes(frame.format(), frame.width(), p)}, h);
    return h;
}

}  // namespace nvcast::test
