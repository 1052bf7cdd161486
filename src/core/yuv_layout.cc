// Changes of YUV memory layout and bit depth that need no resampling:
// NV12 <-> I420, P010 <-> I420_10, 8 <-> 10 bits (rounded down-conversion).
#include <string>

#include "nvcast/error.h"
#include "nvcast/frame.h"

namespace nvcast {

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

void convert_yuv_layout(const Frame& in, PixelFormat target, Frame& scratch) {
    if (in.memory() != MemoryType::Host)
        throw Error(ErrorCode::InvalidArgument, "convert_yuv_layout works on host frames");
    const FormatInfo& src = format_info(in.format());
    const FormatInfo& dst = format_info(target);
    if (src.chroma_shift_x != dst.chroma_shift_x || src.packed_rgb || dst.packed_rgb)
        throw Error(ErrorCode::Unsupported, "cannot convert " + std::string(src.name) + " to " +
                                                std::string(dst.name) + " here (needs chroma resampling)");
    if (scratch.empty() || scratch.format() != target || scratch.width() != in.width() ||
        scratch.height() != in.height())
        scratch = Frame::allocate(target, in.width(), in.height());
    const bool src_wide = src.bytes_per_sample == 2, dst_wide = dst.bytes_per_sample == 2;
    // P010 keeps its 10 bits at the top of each 16-bit word.
    const int src_shift = in.format() == PixelFormat::P010 ? 6 : 0;
    const int dst_shift = target == PixelFormat::P010 ? 6 : 0;
    // Luma, then each chroma component (to or from an interleaved plane when semi-planar).
    for (int y = 0; y < in.height(); ++y) {
        const uint8_t* s = in.data(0) + static_cast<size_t>(y) * in.pitch(0);
        uint8_t* d = scratch.data(0) + static_cast<size_t>(y) * scratch.pitch(0);
        for (int x = 0; x < in.width(); ++x)
            store_sample(d, x, dst_wide,
                         rescale(load_sample(s, x, src_wide, src_shift), src.bit_depth, dst.bit_depth) << dst_shift);
    }
    const int cw = (in.width() + (1 << src.chroma_shift_x) - 1) >> src.chroma_shift_x;
    const int ch = plane_rows(in.format(), in.height(), 1);
    for (int c = 0; c < 2; ++c) {
        const int src_plane = src.semi_planar ? 1 : 1 + c, dst_plane = dst.semi_planar ? 1 : 1 + c;
        const int src_step = src.semi_planar ? 2 : 1, src_offset = src.semi_planar ? c : 0;
        const int dst_step = dst.semi_planar ? 2 : 1, dst_offset = dst.semi_planar ? c : 0;
        for (int y = 0; y < ch; ++y) {
            const uint8_t* s = in.data(src_plane) + static_cast<size_t>(y) * in.pitch(src_plane);
            uint8_t* d = scratch.data(dst_plane) + static_cast<size_t>(y) * scratch.pitch(dst_plane);
            for (int x = 0; x < cw; ++x)
                store_sample(d, x * dst_step + dst_offset, dst_wide,
                             rescale(load_sample(s, x * src_step + src_offset, src_wide, src_shift), src.bit_depth,
                                     dst.bit_depth) << dst_shift);
        }
    }
    scratch.pts = in.pts;
    scratch.color = in.color;
}

}  // namespace nvcast
