// Helpers for the frame-preparation tests: frames with known content, raw files for the
// ffmpeg peer, and sample-wise comparison of frames.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "gpu/pixel_access.h"
#include "nvcast/frame.h"

namespace nvcast::test {

inline int max_code(PixelFormat f) { return (1 << format_info(f).bit_depth) - 1; }

// Component planes of a frame as code values: packed RGB gives planes R, G, B.
struct Samples {
    int planes = 0;
    std::vector<int> w, h;
    std::vector<std::vector<int>> v;  // v[plane][y * w + x]
    int at(int p, int x, int y) const { return v[p][static_cast<size_t>(y) * w[p] + x]; }
};

inline Samples samples_of(const Frame& f) {
    const gpu::Layout l = gpu::layout_of(f.format());
    const FormatInfo& info = format_info(f.format());
    Samples s;
    if (l.packed) {
        s.planes = 3;
        s.w.assign(3, f.width());
        s.h.assign(3, f.height());
        s.v.assign(3, std::vector<int>(static_cast<size_t>(f.width()) * f.height()));
        for (int y = 0; y < f.height(); ++y)
            for (int x = 0; x < f.width(); ++x) {
                int rgb[3];
                gpu::read_rgb(f.data(0) + static_cast<size_t>(y) * f.pitch(0) + static_cast<size_t>(x) * l.bytes,
                              f.format(), rgb);
                for (int k = 0; k < 3; ++k) s.v[k][static_cast<size_t>(y) * f.width() + x] = rgb[k];
            }
        return s;
    }
    s.planes = 3;
    const int cw = (f.width() + (1 << info.chroma_shift_x) - 1) >> info.chroma_shift_x;
    const int ch = (f.height() + (1 << info.chroma_shift_y) - 1) >> info.chroma_shift_y;
    s.w = {f.width(), cw, cw};
    s.h = {f.height(), ch, ch};
    s.v.resize(3);
    for (int p = 0; p < 3; ++p) s.v[p].resize(static_cast<size_t>(s.w[p]) * s.h[p]);
    for (int y = 0; y < f.height(); ++y)
        for (int x = 0; x < f.width(); ++x)
            s.v[0][static_cast<size_t>(y) * f.width() + x] =
                gpu::read_sample(f.data(0) + static_cast<size_t>(y) * f.pitch(0), x, l);
    gpu::PlaneSet ps;
    for (int p = 0; p < f.plane_count(); ++p) {
        ps.data[p] = f.data(p);
        ps.pitch[p] = f.pitch(p);
    }
    for (int y = 0; y < ch; ++y)
        for (int x = 0; x < cw; ++x) {
            int cb, cr;
            gpu::read_chroma(ps, l, x, y, cb, cr);
            s.v[1][static_cast<size_t>(y) * cw + x] = cb;
            s.v[2][static_cast<size_t>(y) * cw + x] = cr;
        }
    return s;
}

// Largest |a - b| over all samples whose plane position is at least `border` samples from the edge.
inline int max_abs_diff(const Frame& a, const Frame& b, int border = 0) {
    const Samples sa = samples_of(a), sb = samples_of(b);
    int worst = 0;
    for (int p = 0; p < sa.planes; ++p) {
        const int bx = p == 0 ? border : (border * sa.w[p] + sa.w[0] - 1) / sa.w[0];
        const int by = p == 0 ? border : (border * sa.h[p] + sa.h[0] - 1) / sa.h[0];
        for (int y = by; y < sa.h[p] - by; ++y)
            for (int x = bx; x < sa.w[p] - bx; ++x) worst = std::max(worst, std::abs(sa.at(p, x, y) - sb.at(p, x, y)));
    }
    return worst;
}

// Fills every plane with random valid codes.
inline void fill_random(Frame& f, uint32_t seed) {
    std::mt19937 rng(seed);
    const gpu::Layout l = gpu::layout_of(f.format());
    const int max = max_code(f.format());
    for (int p = 0; p < f.plane_count(); ++p) {
        const size_t row = plane_row_bytes(f.format(), f.width(), p);
        for (int y = 0; y < plane_rows(f.format(), f.height(), p); ++y) {
            uint8_t* r = f.data(p) + static_cast<size_t>(y) * f.pitch(p);
            if (l.bytes == 2 && !l.packed) {
                for (size_t i = 0; i < row / 2; ++i) gpu::write_sample(r, static_cast<int>(i), l, static_cast<int>(rng() % (max + 1)));
            } else {
                for (size_t i = 0; i < row; ++i) r[i] = static_cast<uint8_t>(rng());
            }
        }
    }
}

// Sets one pixel of a packed RGB frame (codes in the format's depth).
inline void put_rgb(Frame& f, int x, int y, int r, int g, int b) {
    const gpu::Layout l = gpu::layout_of(f.format());
    const int rgb[3] = {r, g, b};
    gpu::write_rgb(f.data(0) + static_cast<size_t>(y) * f.pitch(0) + static_cast<size_t>(x) * l.bytes, f.format(), rgb);
}

// A packed RGB frame made of `patch`x`patch` blocks, colour chosen by fn(block_x, block_y).
inline Frame rgb_patches(PixelFormat f, int w, int h, int patch,
                         const std::function<std::array<int, 3>(int, int)>& fn) {
    Frame frame = Frame::allocate(f, w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const auto c = fn(x / patch, y / patch);
            put_rgb(frame, x, y, c[0], c[1], c[2]);
        }
    return frame;
}

// Raw file with tightly packed rows (what ffmpeg's rawvideo reads and writes).
inline void write_raw_frame(const std::string& path, const Frame& f) {
    std::ofstream out(path, std::ios::binary);
    for (int p = 0; p < f.plane_count(); ++p) {
        const size_t row = plane_row_bytes(f.format(), f.width(), p);
        for (int y = 0; y < plane_rows(f.format(), f.height(), p); ++y)
            out.write(reinterpret_cast<const char*>(f.data(p) + static_cast<size_t>(y) * f.pitch(p)),
                      static_cast<std::streamsize>(row));
    }
}

// Reads a raw file; returns an empty frame when the file is short.
inline Frame read_raw_frame(const std::string& path, PixelFormat format, int w, int h) {
    std::ifstream in(path, std::ios::binary);
    Frame f = Frame::allocate(format, w, h);
    for (int p = 0; p < f.plane_count(); ++p) {
        const size_t row = plane_row_bytes(format, w, p);
        for (int y = 0; y < plane_rows(format, h, p); ++y)
            if (!in.read(reinterpret_cast<char*>(f.data(p) + static_cast<size_t>(y) * f.pitch(p)),
                         static_cast<std::streamsize>(row)))
                return Frame();
    }
    return f;
}

// ffmpeg's pix_fmt name for a format.
inline const char* ffmpeg_pix_fmt(PixelFormat f) {
    switch (f) {
        case PixelFormat::NV12: return "nv12";
        case PixelFormat::I420: return "yuv420p";
        case PixelFormat::I444: return "yuv444p";
        case PixelFormat::P010: return "p010le";
        case PixelFormat::I420_10: return "yuv420p10le";
        case PixelFormat::I444_10: return "yuv444p10le";
        case PixelFormat::BGRA: return "bgra";
        case PixelFormat::RGBA: return "rgba";
        case PixelFormat::RGB24: return "rgb24";
        case PixelFormat::X2RGB10: return "x2rgb10le";
    }
    return "?";
}

}  // namespace nvcast::test
