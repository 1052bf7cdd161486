#include "gpu/cuda_check.h"
#include "gpu/synthetic_kernel.h"

namespace nvcast::gpu {
namespace {

__device__ uint32_t hash3(uint32_t x, uint32_t y, uint32_t z) {
    uint32_t h = x * 0x8da6b343u ^ y * 0xd8163841u ^ z * 0xcb1ab31fu;
    h ^= h >> 13;
    h *= 0x5bd1e995u;
    return h ^ (h >> 15);
}

// Value noise on a 16-pixel lattice, bilinear, in 0..255.
__device__ int texture_at(int x, int y, uint32_t seed) {
    const int gx = x >> 4, gy = y >> 4, fx = x & 15, fy = y & 15;
    auto lattice = [&](int i, int j) { return static_cast<int>(hash3(static_cast<uint32_t>(i), static_cast<uint32_t>(j), seed) & 255); };
    const int top = lattice(gx, gy) * (16 - fx) + lattice(gx + 1, gy) * fx;
    const int bottom = lattice(gx, gy + 1) * (16 - fx) + lattice(gx + 1, gy + 1) * fx;
    return (top * (16 - fy) + bottom * fy) >> 8;
}

__global__ void synthetic_kernel(SyntheticPlanes p, int64_t frame, uint32_t seed) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= p.width || y >= p.height) return;
    // The texture pans 2 px right and 1 px down per frame; grain changes every frame.
    const int t = static_cast<int>(frame & 0x3fffffff);
    int luma = 16 + texture_at(x + 2 * t, y + t, seed) * 219 / 255;
    luma += static_cast<int>(hash3(x, y, static_cast<uint32_t>(t) ^ seed) % 9) - 4;
    p.y[static_cast<size_t>(y) * p.pitch_y + x] = static_cast<uint8_t>(min(235, max(16, luma)));
    if ((x & 1) || (y & 1)) return;
    const int cx = x >> 1, cy = y >> 1;
    const int cb = 128 + (texture_at(cx + t, cy, seed ^ 0x55u) - 128) / 3;
    const int cr = 128 + (texture_at(cx, cy + t, seed ^ 0xaau) - 128) / 3;
    if (p.interleaved_uv) {
        uint8_t* row = p.u + static_cast<size_t>(cy) * p.pitch_uv;
        row[2 * cx] = static_cast<uint8_t>(cb);
        row[2 * cx + 1] = static_cast<uint8_t>(cr);
    } else {
        p.u[static_cast<size_t>(cy) * p.pitch_uv + cx] = static_cast<uint8_t>(cb);
        p.v[static_cast<size_t>(cy) * p.pitch_uv + cx] = static_cast<uint8_t>(cr);
    }
}

}  // namespace

void launch_synthetic(const SyntheticPlanes& planes, int64_t frame_index, uint32_t seed, void* stream) {
    const dim3 block(32, 8);
    const dim3 grid((planes.width + 31) / 32, (planes.height + 7) / 8);
    synthetic_kernel<<<grid, block, 0, static_cast<cudaStream_t>(stream)>>>(planes, frame_index, seed);
    cuda_check(cudaGetLastError(), "launching the synthetic frame kernel");
}

}  // namespace nvcast::gpu
