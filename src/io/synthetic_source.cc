// Synthetic test content: a detailed texture panning across the frame, an
// object moving against it, and per-frame sensor-like noise. Deterministic per
// seed, cheap to generate, and not trivial to compress (motion + detail + noise).
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/parallel_rows.h"
#include "io/frame_buffer.h"
#include "nvcast/error.h"
#include "nvcast/source.h"

namespace nvcast {
namespace {

struct XorShift {
    uint32_t state;
    uint32_t next() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return state;
    }
};

// xorshift is linear over GF(2): `steps` steps from any state are the XOR of their images from the
// 32 one-bit states. So a row's noise state is known without generating the rows above it, and
// bands of rows render on several threads with the very samples one thread would make.
class XorShiftJump {
public:
    explicit XorShiftJump(int steps) {
        for (int bit = 0; bit < 32; ++bit) {
            XorShift r{1u << bit};
            for (int i = 0; i < steps; ++i) r.next();
            image_[static_cast<size_t>(bit)] = r.state;
        }
    }
    // The state `times` jumps after `state`.
    uint32_t after(uint32_t state, int times) const {
        for (int t = 0; t < times; ++t) {
            uint32_t next = 0;
            for (int bit = 0; bit < 32; ++bit)
                if (state >> bit & 1u) next ^= image_[static_cast<size_t>(bit)];
            state = next;
        }
        return state;
    }

private:
    std::array<uint32_t, 32> image_{};
};

// Value noise: random lattice every `cell` pixels, bilinearly interpolated, plus fine grain.
std::vector<uint8_t> make_texture(int w, int h, int cell, int lo, int hi, XorShift& rng) {
    const int gw = w / cell + 2, gh = h / cell + 2;
    std::vector<int> lattice(static_cast<size_t>(gw) * gh);
    for (int& v : lattice) v = lo + static_cast<int>(rng.next() % static_cast<uint32_t>(hi - lo + 1));
    std::vector<uint8_t> tex(static_cast<size_t>(w) * h);
    for (int y = 0; y < h; ++y) {
        const int gy = y / cell, fy = y % cell;
        for (int x = 0; x < w; ++x) {
            const int gx = x / cell, fx = x % cell;
            const int a = lattice[gy * gw + gx], b = lattice[gy * gw + gx + 1];
            const int c = lattice[(gy + 1) * gw + gx], d = lattice[(gy + 1) * gw + gx + 1];
            const int top = a * (cell - fx) + b * fx, bottom = c * (cell - fx) + d * fx;
            int v = (top * (cell - fy) + bottom * fy) / (cell * cell);
            v += static_cast<int>(rng.next() % 25) - 12;  // fine detail
            tex[static_cast<size_t>(y) * w + x] = static_cast<uint8_t>(std::clamp(v, 0, 255));
        }
    }
    return tex;
}

class SyntheticSource final : public FrameSource {
public:
    SyntheticSource(int width, int height, int fps_num, int fps_den, int64_t frames, PixelFormat format, uint32_t seed)
        : seed_(seed ? seed : 1) {
        const FormatInfo& f = format_info(format);
        if (f.packed_rgb)
            throw Error(ErrorCode::Unsupported, "the synthetic source makes YUV frames; format " + std::string(f.name) +
                                                    " is not one (use i420, nv12, i444, p010, i420p10, i444p10)");
        if ((f.chroma_shift_x && width % 2) || (f.chroma_shift_y && height % 2))
            throw Error(ErrorCode::InvalidArgument, "synthetic size " + std::to_string(width) + "x" +
                                                        std::to_string(height) + " must be even for " +
                                                        std::string(f.name));
        if (width > 16384 || height > 16384)
            throw Error(ErrorCode::InvalidArgument, "synthetic size is limited to 16384x16384");
        info_.width = width;
        info_.height = height;
        info_.fps_num = fps_num;
        info_.fps_den = fps_den;
        info_.format = format;
        info_.color = ColorDescription::bt709();
        info_.frame_count = frames;
        XorShift rng{seed_ * 2654435761u};
        tex_w_ = width + kMargin;
        tex_h_ = height + kMargin;
        luma_ = make_texture(tex_w_, tex_h_, 16, 16, 235, rng);
        chroma_w_ = (width >> f.chroma_shift_x) + kMargin;
        chroma_h_ = (height >> f.chroma_shift_y) + kMargin;
        cb_ = make_texture(chroma_w_, chroma_h_, 24, 80, 176, rng);
        cr_ = make_texture(chroma_w_, chroma_h_, 24, 80, 176, rng);
        luma_row_ = XorShiftJump(width);
        chroma_row_ = XorShiftJump(width >> f.chroma_shift_x);
    }

    const SourceInfo& info() const override { return info_; }

    bool read(Frame& frame) override {
        if (info_.frame_count >= 0 && index_ >= info_.frame_count) return false;
        ensure_frame(frame, info_.format, info_.width, info_.height);
        render(frame, static_cast<int>(index_));
        frame.pts = index_++;
        frame.color = info_.color;
        return true;
    }

private:
    static constexpr int kMargin = 256;

    // Sample of plane `tex` at frame position (x, y) for frame t: background pans one way,
    // a square object (a third of the frame) moves another way over it.
    struct Motion { int bx, by, ox, oy, obj_x, obj_y, obj_w, obj_h; };

    Motion motion(int t, int w, int h, int scale_x, int scale_y) const {
        Motion m;
        m.bx = (3 * t / scale_x) % kMargin;
        m.by = (2 * t / scale_y) % kMargin;
        m.ox = (kMargin - 1) - (5 * t / scale_x) % kMargin;
        m.oy = (t / scale_y) % kMargin;
        m.obj_w = w / 3;
        m.obj_h = h / 3;
        const int period_x = std::max(1, w - m.obj_w), period_y = std::max(1, h - m.obj_h);
        m.obj_x = (4 * t / scale_x) % (2 * period_x);
        if (m.obj_x >= period_x) m.obj_x = 2 * period_x - m.obj_x;
        m.obj_y = (3 * t / scale_y) % (2 * period_y);
        if (m.obj_y >= period_y) m.obj_y = 2 * period_y - m.obj_y;
        return m;
    }

    // Rows [y0, y1) of a plane w samples wide; the noise is one xorshift sequence over the whole plane.
    template <int NoiseAmp, typename Store>
    void render_rows(const std::vector<uint8_t>& tex, int tex_w, int w, int y0, int y1, const Motion& m,
                     uint32_t noise_seed, const XorShiftJump& row_jump, Store store) const {
        XorShift rng{row_jump.after(noise_seed | 1u, y0)};
        for (int y = y0; y < y1; ++y) {
            const bool in_obj_rows = y >= m.obj_y && y < m.obj_y + m.obj_h;
            const uint8_t* bg = tex.data() + static_cast<size_t>(y + m.by) * tex_w + m.bx;
            const uint8_t* obj = tex.data() + static_cast<size_t>(y + m.oy) * tex_w + m.ox;
            for (int x = 0; x < w; ++x) {
                const bool in_obj = in_obj_rows && x >= m.obj_x && x < m.obj_x + m.obj_w;
                int v = in_obj ? 255 - obj[x] : bg[x];  // inverted texture: a distinct object
                const uint32_t r = rng.next();
                v += static_cast<int>(r % (2 * NoiseAmp + 1)) - NoiseAmp;
                store(x, y, std::clamp(v, 0, 255), static_cast<int>((r >> 16) & 3));
            }
        }
    }

    void render(Frame& f, int t) const {
        const FormatInfo& fi = format_info(f.format());
        const int w = f.width(), h = f.height();
        const int cw = w >> fi.chroma_shift_x, ch = h >> fi.chroma_shift_y;
        const Motion ml = motion(t, w, h, 1, 1);
        const Motion mc = motion(t, cw, ch, 1 << fi.chroma_shift_x, 1 << fi.chroma_shift_y);
        const uint32_t frame_seed = (seed_ + static_cast<uint32_t>(t) * 0x9E3779B9u) * 2246822519u;
        const bool wide = fi.bytes_per_sample == 2;
        const int shift = f.format() == PixelFormat::P010 ? 6 : 0;  // P010 keeps its 10 bits at the top

        auto sample_store = [&](int plane, int step, int offset) {
            return [&f, plane, step, offset, wide, shift](int x, int y, int v8, int low_bits) {
                uint8_t* row = f.data(plane) + static_cast<size_t>(y) * f.pitch(plane);
                if (wide)
                    reinterpret_cast<uint16_t*>(row)[x * step + offset] =
                        static_cast<uint16_t>(((v8 << 2) | low_bits) << shift);
                else
                    row[x * step + offset] = static_cast<uint8_t>(v8);
            };
        };
        // A band of luma rows and the chroma rows beside them per thread; at least 64K luma samples a band.
        parallel_rows(h, 0, std::max(8, 65536 / w), [&](int y0, int y1) {
            const int c0 = static_cast<int>(static_cast<long long>(y0) * ch / h);
            const int c1 = static_cast<int>(static_cast<long long>(y1) * ch / h);
            render_rows<3>(luma_, tex_w_, w, y0, y1, ml, frame_seed, luma_row_, sample_store(0, 1, 0));
            const int cb_plane = 1, cr_plane = fi.semi_planar ? 1 : 2, step = fi.semi_planar ? 2 : 1;
            render_rows<2>(cb_, chroma_w_, cw, c0, c1, mc, frame_seed ^ 0x51u, chroma_row_, sample_store(cb_plane, step, 0));
            render_rows<2>(cr_, chroma_w_, cw, c0, c1, mc, frame_seed ^ 0xA3u, chroma_row_,
                           sample_store(cr_plane, step, fi.semi_planar ? 1 : 0));
        });
    }

    uint32_t seed_;
    SourceInfo info_;
    int tex_w_ = 0, tex_h_ = 0, chroma_w_ = 0, chroma_h_ = 0;
    std::vector<uint8_t> luma_, cb_, cr_;
    XorShiftJump luma_row_{0}, chroma_row_{0};  // one row of noise
    int64_t index_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> open_synthetic(int width, int height, int fps_num, int fps_den, int64_t frames,
                                            PixelFormat format, uint32_t seed) {
    if (width <= 0 || height <= 0)
        throw Error(ErrorCode::InvalidArgument, "synthetic size must be positive");
    if (fps_num <= 0 || fps_den <= 0) throw Error(ErrorCode::InvalidArgument, "synthetic frame rate must be positive");
    return std::make_unique<SyntheticSource>(width, height, fps_num, fps_den, frames, format, seed);
}

}  // namespace nvcast
