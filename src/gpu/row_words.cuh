// Device-only access to a tile's run of a row as 32-bit words in registers: one vector load or
// store per run (16, 8 or 4 bytes at a time), then samples and packed pixels are picked out of,
// or packed into, the words with shifts. The encodings are those of pixel_access.h
// (read_sample / write_sample / read_rgb / write_rgb / write_chroma).
#pragma once

#include <stdint.h>

#include "gpu/pixel_access.h"

namespace nvcast::gpu {

// Loads N bytes (N a multiple of 4) through the read-only cache. The caller guarantees that `p`
// is aligned to 16 bytes if N is a multiple of 16, else to 8 if N is a multiple of 8, else to 4.
template <int N>
__device__ __forceinline__ void load_words(const uint8_t* p, uint32_t (&w)[N / 4]) {
    static_assert(N % 4 == 0, "whole words only");
    if constexpr (N % 16 == 0) {
#pragma unroll
        for (int i = 0; i < N / 16; ++i) {
            const uint4 v = __ldg(reinterpret_cast<const uint4*>(p) + i);
            w[4 * i] = v.x;
            w[4 * i + 1] = v.y;
            w[4 * i + 2] = v.z;
            w[4 * i + 3] = v.w;
        }
    } else if constexpr (N % 8 == 0) {
#pragma unroll
        for (int i = 0; i < N / 8; ++i) {
            const uint2 v = __ldg(reinterpret_cast<const uint2*>(p) + i);
            w[2 * i] = v.x;
            w[2 * i + 1] = v.y;
        }
    } else {
#pragma unroll
        for (int i = 0; i < N / 4; ++i) w[i] = __ldg(reinterpret_cast<const unsigned int*>(p) + i);
    }
}

// Stores N bytes; same alignment contract as load_words.
template <int N>
__device__ __forceinline__ void store_words(uint8_t* p, const uint32_t (&w)[N / 4]) {
    static_assert(N % 4 == 0, "whole words only");
    if constexpr (N % 16 == 0) {
#pragma unroll
        for (int i = 0; i < N / 16; ++i)
            reinterpret_cast<uint4*>(p)[i] = make_uint4(w[4 * i], w[4 * i + 1], w[4 * i + 2], w[4 * i + 3]);
    } else if constexpr (N % 8 == 0) {
#pragma unroll
        for (int i = 0; i < N / 8; ++i) reinterpret_cast<uint2*>(p)[i] = make_uint2(w[2 * i], w[2 * i + 1]);
    } else {
#pragma unroll
        for (int i = 0; i < N / 4; ++i) reinterpret_cast<uint32_t*>(p)[i] = w[i];
    }
}

// Byte `b` of a word array (little endian, like the memory it came from).
template <int W>
__device__ __forceinline__ uint32_t word_byte(const uint32_t (&w)[W], int b) {
    return (w[b >> 2] >> (8 * (b & 3))) & 255u;
}

// Sample `i` of a planar run, as read_sample decodes it.
template <int W>
__device__ __forceinline__ uint32_t word_sample(const uint32_t (&w)[W], int i, const Layout& l) {
    if (l.bytes == 1) return word_byte(w, i);
    const uint32_t v = (w[i >> 1] >> (16 * (i & 1))) & 0xFFFFu;
    return l.msb ? v >> 6 : v & 1023u;
}

// Puts sample `i` (a code in [0, 2^depth)) into a zero-initialised run, as write_sample encodes it.
template <int W>
__device__ __forceinline__ void put_word_sample(uint32_t (&w)[W], int i, const Layout& l, uint32_t v) {
    if (l.bytes == 1) {
        w[i >> 2] |= v << (8 * (i & 3));
    } else {
        w[i >> 1] |= (l.msb ? v << 6 : v) << (16 * (i & 1));
    }
}

// R, G, B codes of packed pixel `i`, as read_rgb decodes them.
template <int F, int W>
__device__ __forceinline__ void word_rgb(const uint32_t (&w)[W], int i, uint32_t (&rgb)[3]) {
    constexpr PixelFormat f = static_cast<PixelFormat>(F);
    if constexpr (f == PixelFormat::RGB24) {
#pragma unroll
        for (int k = 0; k < 3; ++k) rgb[k] = word_byte(w, 3 * i + k);
    } else {
        const uint32_t v = w[i];
        if constexpr (f == PixelFormat::BGRA) {
            rgb[0] = (v >> 16) & 255u;
            rgb[1] = (v >> 8) & 255u;
            rgb[2] = v & 255u;
        } else if constexpr (f == PixelFormat::RGBA) {
            rgb[0] = v & 255u;
            rgb[1] = (v >> 8) & 255u;
            rgb[2] = (v >> 16) & 255u;
        } else {  // X2RGB10
            rgb[0] = (v >> 20) & 1023u;
            rgb[1] = (v >> 10) & 1023u;
            rgb[2] = v & 1023u;
        }
    }
}

// Puts packed pixel `i` into a zero-initialised run, as write_rgb encodes it (alpha / X opaque).
template <int F, int W>
__device__ __forceinline__ void put_word_rgb(uint32_t (&w)[W], int i, const uint32_t (&rgb)[3]) {
    constexpr PixelFormat f = static_cast<PixelFormat>(F);
    const uint32_t r = rgb[0], g = rgb[1], b = rgb[2];
    if constexpr (f == PixelFormat::RGB24) {
#pragma unroll
        for (int k = 0; k < 3; ++k) w[(3 * i + k) >> 2] |= rgb[k] << (8 * ((3 * i + k) & 3));
    } else if constexpr (f == PixelFormat::BGRA) {
        w[i] = b | (g << 8) | (r << 16) | (255u << 24);
    } else if constexpr (f == PixelFormat::RGBA) {
        w[i] = r | (g << 8) | (b << 16) | (255u << 24);
    } else {  // X2RGB10
        w[i] = b | (g << 10) | (r << 20) | (3u << 30);
    }
}

}  // namespace nvcast::gpu
