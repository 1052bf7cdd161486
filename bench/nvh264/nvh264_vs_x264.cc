// nvh264 vs x264 (ffmpeg CLI, libx264 presets ultrafast / superfast): PSNR and
// bitrate at equal QP and at equal CBR bitrate, plus BD-rate, on two kinds of
// content. Prints markdown tables; never asserts anything.
//
//   nvh264_vs_x264 [--frames N] [--size WxH] [--ffmpeg PATH]
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>
#include <unistd.h>

#include "nvcast/nvcast.h"
#include "nvcast/decode.h"

namespace fs = std::filesystem;
using namespace nvcast;

namespace {

struct Point {
    double kbps = 0, psnr_y = 0, psnr_avg = 0, seconds = 0;
};

void write_y4m(const std::string& path, const std::vector<Frame>& frames, int fps) {
    std::ofstream o(path, std::ios::binary);
    o << "YUV4MPEG2 W" << frames[0].width() << " H" << frames[0].height() << " F" << fps << ":1 Ip A1:1 C420jpeg\n";
    for (const Frame& f : frames) {
        o << "FRAME\n";
        for (int p = 0; p < 3; ++p)
            for (int y = 0; y < plane_rows(f.format(), f.height(), p); ++y)
                o.write(reinterpret_cast<const char*>(f.data(p) + static_cast<size_t>(y) * f.pitch(p)),
                        static_cast<std::streamsize>(plane_row_bytes(f.format(), f.width(), p)));
    }
}

Point measure(const std::vector<Frame>& src, const std::string& stream_path, double seconds, int fps) {
    Point p;
    p.seconds = seconds;
    const auto bytes = static_cast<double>(fs::file_size(stream_path));
    p.kbps = bytes * 8 / (static_cast<double>(src.size()) / fps) / 1000;
    const std::vector<Frame> dec = decode_all(stream_path);
    PsnrAccumulator acc;
    for (size_t i = 0; i < src.size() && i < dec.size(); ++i) acc.add(compute_psnr(src[i], dec[i]));
    p.psnr_y = acc.mean().y;
    p.psnr_avg = acc.mean().average;
    if (dec.size() != src.size()) std::fprintf(stderr, "warning: %s decoded %zu of %zu frames\n", stream_path.c_str(), dec.size(), src.size());
    return p;
}

Point run_nvh264(const std::vector<Frame>& src, const std::string& out, int fps, RateControlMode mode, int qp,
                 int64_t bitrate) {
    EncoderConfig c;
    c.width = src[0].width();
    c.height = src[0].height();
    c.fps_num = fps;
    c.tuning = Tuning::LowLatency;
    c.gop_length = kInfiniteGop;
    c.preset = 4;
    c.rc.mode = mode;
    c.rc.qp = qp;
    c.rc.bitrate = bitrate;
    auto enc = open_encoder("nvh264", c).encoder;
    std::ofstream o(out, std::ios::binary);
    const auto t0 = std::chrono::steady_clock::now();
    for (const Frame& f : src) {
        enc->send_frame(f);
        while (auto pkt = enc->receive_packet())
            o.write(reinterpret_cast<const char*>(pkt->data.data()), static_cast<std::streamsize>(pkt->data.size()));
    }
    enc->flush();
    while (auto pkt = enc->receive_packet())
        o.write(reinterpret_cast<const char*>(pkt->data.data()), static_cast<std::streamsize>(pkt->data.size()));
    o.close();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return measure(src, out, s, fps);
}

Point run_x264(const std::string& ffmpeg, const std::vector<Frame>& src, const std::string& y4m,
               const std::string& out, int fps, const std::string& preset, const std::string& rc_args) {
    const std::string cmd = "'" + ffmpeg + "' -hide_banner -loglevel error -y -i '" + y4m +
                            "' -c:v libx264 -preset " + preset +
                            " -tune zerolatency -threads 1 -g 100000 -sc_threshold 0 " + rc_args + " -f h264 '" +
                            out + "'";
    const auto t0 = std::chrono::steady_clock::now();
    if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "ffmpeg failed: %s\n", cmd.c_str());
        return {};
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return measure(src, out, s, fps);
}

// Bjontegaard delta rate of `test` against `ref` (percent; negative = test needs fewer bits).
double bd_rate(const std::vector<Point>& ref, const std::vector<Point>& test) {
    auto fit = [](const std::vector<Point>& pts, std::array<double, 4>& coef) {
        // Least-squares cubic log10(rate) = f(psnr) via normal equations.
        double a[4][5] = {};
        for (const Point& p : pts) {
            double pw[7];
            pw[0] = 1;
            for (int k = 1; k < 7; ++k) pw[k] = pw[k - 1] * p.psnr_y;
            const double lr = std::log10(p.kbps);
            for (int r = 0; r < 4; ++r) {
                for (int c = 0; c < 4; ++c) a[r][c] += pw[r + c];
                a[r][4] += pw[r] * lr;
            }
        }
        for (int i = 0; i < 4; ++i) {
            int piv = i;
            for (int r = i + 1; r < 4; ++r)
                if (std::fabs(a[r][i]) > std::fabs(a[piv][i])) piv = r;
            for (int c = 0; c < 5; ++c) std::swap(a[i][c], a[piv][c]);
            for (int r = 0; r < 4; ++r) {
                if (r == i) continue;
                const double m = a[r][i] / a[i][i];
                for (int c = i; c < 5; ++c) a[r][c] -= m * a[i][c];
            }
        }
        for (int i = 0; i < 4; ++i) coef[static_cast<size_t>(i)] = a[i][4] / a[i][i];
    };
    auto integral = [](const std::array<double, 4>& c, double lo, double hi) {
        auto F = [&](double x) { return c[0] * x + c[1] * x * x / 2 + c[2] * x * x * x / 3 + c[3] * x * x * x * x / 4; };
        return F(hi) - F(lo);
    };
    std::array<double, 4> cr{}, ct{};
    fit(ref, cr);
    fit(test, ct);
    double lo_r = 1e9, hi_r = -1e9, lo_t = 1e9, hi_t = -1e9;
    for (const Point& p : ref) lo_r = std::min(lo_r, p.psnr_y), hi_r = std::max(hi_r, p.psnr_y);
    for (const Point& p : test) lo_t = std::min(lo_t, p.psnr_y), hi_t = std::max(hi_t, p.psnr_y);
    const double lo = std::max(lo_r, lo_t), hi = std::min(hi_r, hi_t);
    if (hi <= lo) return NAN;
    const double avg = (integral(ct, lo, hi) - integral(cr, lo, hi)) / (hi - lo);
    return (std::pow(10.0, avg) - 1) * 100;
}

}  // namespace

int main(int argc, char** argv) {
    int frames = 30, width = 352, height = 288, fps = 30;
    std::string ffmpeg = "ffmpeg";
    bool cbr_only = false;
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--cbr-only") cbr_only = true;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--frames") frames = std::atoi(argv[i + 1]);
        else if (a == "--size") {
            const auto size = parse_frame_size(argv[i + 1]);
            if (!size) return std::fprintf(stderr, "nvh264_vs_x264: bad --size '%s' (WIDTHxHEIGHT)\n", argv[i + 1]), 2;
            std::tie(width, height) = *size;
        }
        else if (a == "--ffmpeg") ffmpeg = argv[i + 1];
    }
    set_log_level(LogLevel::Warn);
    const fs::path dir = fs::temp_directory_path() / ("nvh264-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);

    struct Content {
        std::string name;
        std::vector<Frame> frames;
    };
    std::vector<Content> contents;
    {
        auto s = open_synthetic(width, height, fps, 1, frames);
        contents.push_back({"synthetic (textured pan + noise)", read_frames(*s)});
    }
    {
        const std::string y4m = (dir / "testsrc2.y4m").string();
        const std::string cmd = "'" + ffmpeg + "' -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=" +
                                std::to_string(width) + "x" + std::to_string(height) + ":rate=" + std::to_string(fps) +
                                " -frames:v " + std::to_string(frames) + " -pix_fmt yuv420p '" + y4m + "'";
        if (std::system(cmd.c_str()) == 0) {
            auto s = open_y4m(y4m);
            contents.push_back({"testsrc2 (graphics, moving)", read_frames(*s)});
        }
    }

    const int qps[] = {22, 27, 32, 37};
    const char* presets[] = {"ultrafast", "superfast"};
    std::printf("# nvh264 vs x264: %dx%d, %d frames at %d fps, IPPP, one thread\n\n", width, height, frames, fps);
    for (Content& c : contents) {
        const std::string y4m = (dir / "src.y4m").string();
        write_y4m(y4m, c.frames, fps);
        std::printf("## %s\n\n### Equal QP\n\n", c.name.c_str());
        std::printf("| QP | nvh264 kbit/s | PSNR-Y | x264 ultrafast kbit/s | PSNR-Y | x264 superfast kbit/s | PSNR-Y |\n");
        std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
        std::vector<Point> ours, x264[2];
        double t_ours = 0, t_x[2] = {0, 0};
        for (int qp : qps) {
            if (cbr_only && qp != 27) continue;
            const Point a = run_nvh264(c.frames, (dir / "a.h264").string(), fps, RateControlMode::CQP, qp, 0);
            ours.push_back(a);
            t_ours += a.seconds;
            std::printf("| %d | %.0f | %.2f |", qp, a.kbps, a.psnr_y);
            for (int k = 0; k < 2; ++k) {
                const Point b = run_x264(ffmpeg, c.frames, y4m, (dir / "b.h264").string(), fps, presets[k],
                                         "-qp " + std::to_string(qp));
                x264[k].push_back(b);
                t_x[k] += b.seconds;
                std::printf(" %.0f | %.2f |", b.kbps, b.psnr_y);
            }
            std::printf("\n");
        }
        if (!cbr_only) std::printf("\nBD-rate of nvh264 (PSNR-Y, negative = fewer bits): vs ultrafast %+.1f%%, vs superfast %+.1f%%\n",
                    bd_rate(x264[0], ours), bd_rate(x264[1], ours));
        std::printf("Encode time for the QP sweep: nvh264 %.2f s, x264 ultrafast %.2f s, superfast %.2f s "
                    "(x264 includes ffmpeg start-up and Y4M reading)\n\n",
                    t_ours, t_x[0], t_x[1]);
        std::printf("### Equal CBR bitrate\n\n");
        std::printf("| target kbit/s | nvh264 kbit/s | PSNR-Y | x264 ultrafast kbit/s | PSNR-Y | x264 superfast kbit/s | PSNR-Y |\n");
        std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
        const double mid = ours[cbr_only ? 0 : 1].kbps;
        for (double scale : {0.5, 1.0, 2.0}) {
            const int64_t bps = static_cast<int64_t>(mid * scale) * 1000;
            const Point a = run_nvh264(c.frames, (dir / "a.h264").string(), fps, RateControlMode::CBR, 0, bps);
            std::printf("| %lld | %.0f | %.2f |", static_cast<long long>(bps / 1000), a.kbps, a.psnr_y);
            for (int k = 0; k < 2; ++k) {
                const std::string b = std::to_string(bps);
                const Point x = run_x264(ffmpeg, c.frames, y4m, (dir / "b.h264").string(), fps, presets[k],
                                         "-b:v " + b + " -maxrate " + b + " -bufsize " + b);
                std::printf(" %.0f | %.2f |", x.kbps, x.psnr_y);
            }
            std::printf("\n");
        }
        std::printf("\n");
    }
    fs::remove_all(dir);
    return 0;
}
