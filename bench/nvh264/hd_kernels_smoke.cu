// Compiles nvh264's NVCAST_HD per-block arithmetic (transform, quantisation, scaling, intra
// prediction, deblocking line filter) for the GPU and checks every result against the same
// functions run on the host. Not part of the CMake build; run by hand on a CUDA machine:
//   nvcc -std=c++20 -arch=sm_90 -I src -I include bench/nvh264/hd_kernels_smoke.cu -o hd_smoke && ./hd_smoke
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "backends/nvh264/deblock_filter.h"
#include "backends/nvh264/intra_pred.h"
#include "backends/nvh264/transform.h"

using namespace nvcast::nvh264;

constexpr int kBlocks = 1 << 16;

struct Case {
    int16_t residual[16];
    uint8_t src[16], ref[16];
    IntraNeighbours nb;
    uint8_t line[8];
    int qp, mode, bs;
};

struct Result {
    int recon[16];
    int16_t levels[16];
    int satd;
    uint8_t pred4[16];
    uint8_t pred16_row[16];   // first row of the 16x16 prediction
    uint8_t chroma_row[8];
    uint8_t line[8];
};

__host__ __device__ void run_case(const Case& c, Result& r) {
    int w[16], d[16];
    forward4x4(c.residual, w);
    quant4x4(w, r.levels, c.qp, c.mode & 1, 0);
    dequant4x4(r.levels, d, c.qp, 0);
    inverse4x4(d, r.recon);
    r.satd = satd4x4(c.src, 4, c.ref, 4);
    IntraNeighbours n = c.nb;
    const int m4 = c.mode % 9;
    if (intra4_mode_allowed(m4, n)) predict4x4(m4, n, r.pred4);
    else for (int i = 0; i < 16; ++i) r.pred4[i] = 0;
    uint8_t p16[256], p8[64];
    predict16x16(c.mode % 4, n, p16);
    predict_chroma8x8(c.mode % 4, n, p8);
    for (int i = 0; i < 16; ++i) r.pred16_row[i] = p16[i + 16 * (c.mode % 16)];
    for (int i = 0; i < 8; ++i) r.chroma_row[i] = p8[i + 8 * (c.mode % 8)];
    for (int i = 0; i < 8; ++i) r.line[i] = c.line[i];
    const int index_a = clip3(0, 51, c.qp), index_b = clip3(0, 51, c.qp + 2);
    filter_line(r.line + 4, 1, c.bs, deblock_alpha(index_a), deblock_beta(index_b),
                c.bs < 4 ? deblock_tc0(index_a, c.bs) : 0, (c.mode & 2) != 0);
}

__global__ void kernel(const Case* cases, Result* results, int n) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) run_case(cases[i], results[i]);
}

int main() {
    std::mt19937 rng(1);
    std::vector<Case> cases(kBlocks);
    for (Case& c : cases) {
        std::memset(&c, 0, sizeof(c));
        for (int16_t& v : c.residual) v = static_cast<int16_t>(static_cast<int>(rng() % 511) - 255);
        for (uint8_t& v : c.src) v = static_cast<uint8_t>(rng());
        for (uint8_t& v : c.ref) v = static_cast<uint8_t>(rng());
        for (uint8_t& v : c.nb.top) v = static_cast<uint8_t>(rng());
        for (uint8_t& v : c.nb.left) v = static_cast<uint8_t>(rng());
        c.nb.topleft = static_cast<uint8_t>(rng());
        c.nb.has_top = rng() & 1;
        c.nb.has_left = rng() & 1;
        c.nb.has_topleft = c.nb.has_top && c.nb.has_left && (rng() & 1);
        const int base = static_cast<int>(rng() % 200) + 20;
        for (uint8_t& v : c.line) v = static_cast<uint8_t>(base + static_cast<int>(rng() % 9) - 4);
        c.qp = static_cast<int>(rng() % 52);
        c.mode = static_cast<int>(rng() % 1000);
        c.bs = static_cast<int>(rng() % 4) + 1;
    }
    std::vector<Result> host(kBlocks), dev(kBlocks);
    for (int i = 0; i < kBlocks; ++i) run_case(cases[static_cast<size_t>(i)], host[static_cast<size_t>(i)]);
    Case* dc = nullptr;
    Result* dr = nullptr;
    if (cudaMalloc(&dc, sizeof(Case) * kBlocks) != cudaSuccess || cudaMalloc(&dr, sizeof(Result) * kBlocks) != cudaSuccess) {
        std::printf("cudaMalloc failed\n");
        return 2;
    }
    cudaMemcpy(dc, cases.data(), sizeof(Case) * kBlocks, cudaMemcpyHostToDevice);
    cudaMemset(dr, 0, sizeof(Result) * kBlocks);
    kernel<<<(kBlocks + 127) / 128, 128>>>(dc, dr, kBlocks);
    const cudaError_t err = cudaDeviceSynchronize();
    if (err != cudaSuccess) {
        std::printf("kernel failed: %s\n", cudaGetErrorString(err));
        return 2;
    }
    cudaMemcpy(dev.data(), dr, sizeof(Result) * kBlocks, cudaMemcpyDeviceToHost);
    int mismatches = 0;
    for (int i = 0; i < kBlocks; ++i)
        if (std::memcmp(&host[static_cast<size_t>(i)], &dev[static_cast<size_t>(i)], sizeof(Result)) != 0) ++mismatches;
    std::printf("nvh264 NVCAST_HD smoke: %d blocks, %d mismatches between host and device\n", kBlocks, mismatches);
    cudaFree(dc);
    cudaFree(dr);
    return mismatches == 0 ? 0 : 1;
}
