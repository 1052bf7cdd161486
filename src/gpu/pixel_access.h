// Plane descriptions and sample access shared by kernels and references.
#pragma once

#include <string.h>

#include "gpu/color_math.h"
#include "nvcast/frame.h"

namespace nvcast::gpu {

// A frame's planes as plain data (host or device pointers), passable to a kernel by value.
struct PlaneSet {
    uint8_t* data[3] = {nullptr, nullptr, nullptr};
    int pitch[3] = {0, 0, 0};
    int width = 0;
    int height = 0;
    PixelFormat format = PixelFormat::I420;
};

// Layout facts a kernel needs (FormatInfo holds a string_view, so device code uses this).
struct Layout {
    bool packed;       // one plane of interleaved RGB
    bool semi_planar;  // second plane interleaves Cb,Cr
    int bytes;         // bytes per sample (planar) or per pixel (packed)
    int shift_x;       // chroma subsampling, log2
    int shift_y;
    int depth;         // bits per component
    bool msb;          // 16-bit samples hold the value in their top bits (P010)
};

NVCAST_HD constexpr Layout layout_of(PixelFormat f) {
    switch (f) {
        case PixelFormat::NV12: return {false, true, 1, 1, 1, 8, false};
        case PixelFormat::I420: return {false, false, 1, 1, 1, 8, false};
        case PixelFormat::I444: return {false, false, 1, 0, 0, 8, false};
        case PixelFormat::P010: return {false, true, 2, 1, 1, 10, true};
        case PixelFormat::I420_10: return {false, false, 2, 1, 1, 10, false};
        case PixelFormat::I444_10: return {false, false, 2, 0, 0, 10, false};
        case PixelFormat::BGRA: return {true, false, 4, 0, 0, 8, false};
        case PixelFormat::RGBA: return {true, false, 4, 0, 0, 8, false};
        case PixelFormat::RGB24: return {true, false, 3, 0, 0, 8, false};
        case PixelFormat::X2RGB10: return {true, false, 4, 0, 0, 10, false};
    }
    return {false, false, 1, 1, 1, 8, false};
}

// Aligned 16/32-bit little-endian loads and stores (alignment is checked before any kernel runs).
NVCAST_HD uint32_t load_u16(const uint8_t* p) {
#if defined(__CUDA_ARCH__)
    return *reinterpret_cast<const uint16_t*>(p);
#else
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
#endif
}
NVCAST_HD uint32_t load_u32(const uint8_t* p) {
#if defined(__CUDA_ARCH__)
    return *reinterpret_cast<const uint32_t*>(p);
#else
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
#endif
}
NVCAST_HD void store_u16(uint8_t* p, uint32_t v) {
    const uint16_t w = static_cast<uint16_t>(v);
#if defined(__CUDA_ARCH__)
    *reinterpret_cast<uint16_t*>(p) = w;
#else
    memcpy(p, &w, 2);
#endif
}
NVCAST_HD void store_u32(uint8_t* p, uint32_t v) {
#if defined(__CUDA_ARCH__)
    *reinterpret_cast<uint32_t*>(p) = v;
#else
    memcpy(p, &v, 4);
#endif
}

// Copies n bytes (n a compile-time constant after inlining) using the widest aligned accesses the
// address allows; `dst` is a 16-byte aligned local buffer. On the host this is a memcpy.
NVCAST_HD void fetch_bytes(uint8_t* dst, const uint8_t* src, int n) {
#if defined(__CUDA_ARCH__)
    const uintptr_t a = reinterpret_cast<uintptr_t>(src);
    if ((n & 15) == 0 && (a & 15) == 0) {
        NVCAST_UNROLL
        for (int i = 0; i < n; i += 16)
            *reinterpret_cast<uint4*>(dst + i) = __ldg(reinterpret_cast<const uint4*>(src + i));
    } else if ((n & 7) == 0 && (a & 7) == 0) {
        NVCAST_UNROLL
        for (int i = 0; i < n; i += 8) *reinterpret_cast<uint2*>(dst + i) = __ldg(reinterpret_cast<const uint2*>(src + i));
    } else if ((n & 3) == 0 && (a & 3) == 0) {
        NVCAST_UNROLL
        for (int i = 0; i < n; i += 4)
            *reinterpret_cast<uint32_t*>(dst + i) = __ldg(reinterpret_cast<const unsigned int*>(src + i));
    } else {
        NVCAST_UNROLL
        for (int i = 0; i < n; ++i) dst[i] = src[i];
    }
#else
    memcpy(dst, src, static_cast<size_t>(n));
#endif
}

NVCAST_HD void commit_bytes(uint8_t* dst, const uint8_t* src, int n) {
#if defined(__CUDA_ARCH__)
    const uintptr_t a = reinterpret_cast<uintptr_t>(dst);
    if ((n & 15) == 0 && (a & 15) == 0) {
        NVCAST_UNROLL
        for (int i = 0; i < n; i += 16) *reinterpret_cast<uint4*>(dst + i) = *reinterpret_cast<const uint4*>(src + i);
    } else if ((n & 7) == 0 && (a & 7) == 0) {
        NVCAST_UNROLL
        for (int i = 0; i < n; i += 8) *reinterpret_cast<uint2*>(dst + i) = *reinterpret_cast<const uint2*>(src + i);
    } else if ((n & 3) == 0 && (a & 3) == 0) {
        NVCAST_UNROLL
        for (int i = 0; i < n; i += 4) *reinterpret_cast<uint32_t*>(dst + i) = *reinterpret_cast<const uint32_t*>(src + i);
    } else {
        NVCAST_UNROLL
        for (int i = 0; i < n; ++i) dst[i] = src[i];
    }
#else
    memcpy(dst, src, static_cast<size_t>(n));
#endif
}

// Reads units [first, first + count) of `unit` bytes from a row into buf; units at or past
// `limit` repeat the last one (edge replication).
NVCAST_HD void gather_row(uint8_t* buf, const uint8_t* row, int first, int count, int unit, int limit) {
    if (first + count <= limit) {
        fetch_bytes(buf, row + static_cast<size_t>(first) * unit, count * unit);
        return;
    }
    for (int i = 0; i < count; ++i) {
        const int u = first + i < limit ? first + i : limit - 1;
        for (int b = 0; b < unit; ++b) buf[i * unit + b] = row[static_cast<size_t>(u) * unit + b];
    }
}

// Writes units [first, first + count) of a row from buf, skipping those at or past `limit`.
NVCAST_HD void scatter_row(uint8_t* row, const uint8_t* buf, int first, int count, int unit, int limit) {
    if (first + count <= limit) {
        commit_bytes(row + static_cast<size_t>(first) * unit, buf, count * unit);
        return;
    }
    for (int i = 0; i < count && first + i < limit; ++i)
        for (int b = 0; b < unit; ++b) row[static_cast<size_t>(first + i) * unit + b] = buf[i * unit + b];
}

// Sample `index` of a planar row (8-bit, or 16-bit LSB- or MSB-aligned 10-bit).
NVCAST_HD int read_sample(const uint8_t* row, int index, const Layout& l) {
    if (l.bytes == 1) return row[index];
    const uint32_t v = load_u16(row + 2 * index);
    return l.msb ? static_cast<int>(v >> 6) : static_cast<int>(v & 1023u);
}

NVCAST_HD void write_sample(uint8_t* row, int index, const Layout& l, int v) {
    if (l.bytes == 1) {
        row[index] = static_cast<uint8_t>(v);
    } else {
        store_u16(row + 2 * index, l.msb ? static_cast<uint32_t>(v) << 6 : static_cast<uint32_t>(v));
    }
}

// R, G, B codes of one packed pixel.
NVCAST_HD void read_rgb(const uint8_t* px, PixelFormat f, int (&rgb)[3]) {
    switch (f) {
        case PixelFormat::BGRA: {
            const uint32_t w = load_u32(px);
            rgb[0] = (w >> 16) & 255u;
            rgb[1] = (w >> 8) & 255u;
            rgb[2] = w & 255u;
            break;
        }
        case PixelFormat::RGBA: {
            const uint32_t w = load_u32(px);
            rgb[0] = w & 255u;
            rgb[1] = (w >> 8) & 255u;
            rgb[2] = (w >> 16) & 255u;
            break;
        }
        case PixelFormat::X2RGB10: {
            const uint32_t w = load_u32(px);
            rgb[0] = (w >> 20) & 1023u;
            rgb[1] = (w >> 10) & 1023u;
            rgb[2] = w & 1023u;
            break;
        }
        default:  // RGB24
            rgb[0] = px[0];
            rgb[1] = px[1];
            rgb[2] = px[2];
            break;
    }
}

// Writes one packed pixel; alpha (or the X bits) is written opaque.
NVCAST_HD void write_rgb(uint8_t* px, PixelFormat f, const int (&rgb)[3]) {
    const uint32_t r = static_cast<uint32_t>(rgb[0]), g = static_cast<uint32_t>(rgb[1]),
                   b = static_cast<uint32_t>(rgb[2]);
    switch (f) {
        case PixelFormat::BGRA: store_u32(px, b | (g << 8) | (r << 16) | (255u << 24)); break;
        case PixelFormat::RGBA: store_u32(px, r | (g << 8) | (b << 16) | (255u << 24)); break;
        case PixelFormat::X2RGB10: store_u32(px, b | (g << 10) | (r << 20) | (3u << 30)); break;
        default:
            px[0] = static_cast<uint8_t>(r);
            px[1] = static_cast<uint8_t>(g);
            px[2] = static_cast<uint8_t>(b);
            break;
    }
}

// Cb, Cr codes at chroma position (cx, cy) of a planar or semi-planar frame.
NVCAST_HD void read_chroma(const PlaneSet& s, const Layout& l, int cx, int cy, int& cb, int& cr) {
    if (l.semi_planar) {
        const uint8_t* row = s.data[1] + static_cast<size_t>(cy) * s.pitch[1];
        cb = read_sample(row, 2 * cx, l);
        cr = read_sample(row, 2 * cx + 1, l);
    } else {
        cb = read_sample(s.data[1] + static_cast<size_t>(cy) * s.pitch[1], cx, l);
        cr = read_sample(s.data[2] + static_cast<size_t>(cy) * s.pitch[2], cx, l);
    }
}

NVCAST_HD void write_chroma(const PlaneSet& d, const Layout& l, int cx, int cy, int cb, int cr) {
    if (l.semi_planar) {
        uint8_t* row = d.data[1] + static_cast<size_t>(cy) * d.pitch[1];
        if (l.bytes == 1) {
            store_u16(row + 2 * cx, static_cast<uint32_t>(cb) | (static_cast<uint32_t>(cr) << 8));
        } else {
            store_u32(row + 4 * cx, (static_cast<uint32_t>(cb) << 6) | (static_cast<uint32_t>(cr) << 22));
        }
    } else {
        write_sample(d.data[1] + static_cast<size_t>(cy) * d.pitch[1], cx, l, cb);
        write_sample(d.data[2] + static_cast<size_t>(cy) * d.pitch[2], cx, l, cr);
    }
}

}  // namespace nvcast::gpu
