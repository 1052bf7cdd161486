#include "backends/software_common.h"

#include <algorithm>
#include <string>

namespace nvcast::sw {

void check_input_frame(const EncoderConfig& c, const Frame& f, std::string_view backend) {
    const std::string name(backend);
    if (f.empty()) throw Error(ErrorCode::InvalidArgument, name + ": empty frame sent to the encoder");
    if (f.width() != c.width || f.height() != c.height)
        throw Error(ErrorCode::InvalidArgument,
                    name + ": frame is " + std::to_string(f.width()) + "x" + std::to_string(f.height()) +
                        " but the session was opened for " + std::to_string(c.width) + "x" +
                        std::to_string(c.height) + " (scale it first, e.g. nvcast encode --scale)");
    if (f.memory() != MemoryType::Host)
        throw Error(ErrorCode::InvalidArgument,
                    name + " encodes host frames; this frame is in CUDA memory (copy it to the host, or use the "
                           "nvenc backend, which takes device frames)");
    const FormatInfo& fi = format_info(f.format());
    if (fi.packed_rgb)
        throw Error(ErrorCode::Unsupported, name + " encodes YUV; frame format " + std::string(fi.name) +
                                                " must be converted first (nvcast encode does it with "
                                                "--input-format conversion)");
    const bool frame_444 = fi.chroma_shift_x == 0;
    if (frame_444 != (c.chroma == ChromaFormat::YUV444))
        throw Error(ErrorCode::InvalidArgument,
                    name + ": frame format " + std::string(fi.name) + " is " + (frame_444 ? "4:4:4" : "4:2:0") +
                        " but the session encodes " + (c.chroma == ChromaFormat::YUV444 ? "4:4:4" : "4:2:0"));
}

PixelFormat planar_format_for(const EncoderConfig& c) {
    if (c.chroma == ChromaFormat::YUV444) return c.bit_depth > 8 ? PixelFormat::I444_10 : PixelFormat::I444;
    return c.bit_depth > 8 ? PixelFormat::I420_10 : PixelFormat::I420;
}

namespace {

// Reads sample x of a row as a value of `depth` bits, whatever the storage.
inline int load_sample(const uint8_t* row, int index, bool wide, int shift) {
    return wide ? reinterpret_cast<const uint16_t*>(row)[index] >> shift : row[index];
}

inline void store_sample(uint8_t* row, int index, bool wide, int value) {
    if (wide)
        reinterpret_cast<uint16_t*>(row)[index] = static_cast<uint16_t>(value);
    else
        row[index] = static_cast<uint8_t>(value);
}

// Converts a sample between bit depths: up by shifting, down with rounding.
inline int rescale(int v, int from_depth, int to_depth) {
    if (from_depth == to_depth) return v;
    if (to_depth > from_depth) return v << (to_depth - from_depth);
    const int s = from_depth - to_depth;
    const int max = (1 << to_depth) - 1;
    const int r = (v + (1 << (s - 1))) >> s;
    return r > max ? max : r;
}

}  // namespace

const Frame& to_planar(const Frame& in, PixelFormat target, Frame& scratch) {
    if (in.format() == target && in.memory() == MemoryType::Host) return in;
    const FormatInfo& src = format_info(in.format());
    const FormatInfo& dst = format_info(target);
    if (src.chroma_shift_x != dst.chroma_shift_x || src.packed_rgb || dst.packed_rgb)
        throw Error(ErrorCode::Unsupported, "cannot convert " + std::string(src.name) + " to " +
                                                std::string(dst.name) + " here (needs chroma resampling)");
    if (scratch.empty() || scratch.format() != target || scratch.width() != in.width() ||
        scratch.height() != in.height())
        scratch = Frame::allocate(target, in.width(), in.height());
    const bool src_wide = src.bytes_per_sample == 2, dst_wide = dst.bytes_per_sample == 2;
    const int src_shift = in.format() == PixelFormat::P010 ? 6 : 0;
    // Luma, then each chroma plane (from an interleaved plane when semi-planar).
    for (int y = 0; y < in.height(); ++y) {
        const uint8_t* s = in.data(0) + static_cast<size_t>(y) * in.pitch(0);
        uint8_t* d = scratch.data(0) + static_cast<size_t>(y) * scratch.pitch(0);
        for (int x = 0; x < in.width(); ++x)
            store_sample(d, x, dst_wide, rescale(load_sample(s, x, src_wide, src_shift), src.bit_depth, dst.bit_depth));
    }
    const int cw = (in.width() + (1 << src.chroma_shift_x) - 1) >> src.chroma_shift_x;
    const int ch = plane_rows(in.format(), in.height(), 1);
    for (int c = 0; c < 2; ++c) {
        const int src_plane = src.semi_planar ? 1 : 1 + c;
        const int step = src.semi_planar ? 2 : 1, offset = src.semi_planar ? c : 0;
        for (int y = 0; y < ch; ++y) {
            const uint8_t* s = in.data(src_plane) + static_cast<size_t>(y) * in.pitch(src_plane);
            uint8_t* d = scratch.data(1 + c) + static_cast<size_t>(y) * scratch.pitch(1 + c);
            for (int x = 0; x < cw; ++x)
                store_sample(d, x, dst_wide,
                             rescale(load_sample(s, x * step + offset, src_wide, src_shift), src.bit_depth, dst.bit_depth));
        }
    }
    scratch.pts = in.pts;
    scratch.color = in.color;
    return scratch;
}

const char* x26x_preset_name(int preset) {
    static const char* const kNames[] = {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"};
    return kNames[std::clamp(preset, 1, 7) - 1];
}

void unsupported(std::string_view backend, const std::string& what, const std::string& hint) {
    throw Error(ErrorCode::Unsupported, std::string(backend) + " cannot " + what + (hint.empty() ? "" : " (" + hint + ")"));
}

int64_t peak_bitrate(const RateControl& rc) {
    if (rc.max_bitrate > 0) return rc.max_bitrate;
    return rc.mode == RateControlMode::VBR ? rc.bitrate * 3 / 2 : rc.bitrate;
}

int64_t vbv_bits(const RateControl& rc) { return rc.vbv_size > 0 ? rc.vbv_size : peak_bitrate(rc); }

}  // namespace nvcast::sw
