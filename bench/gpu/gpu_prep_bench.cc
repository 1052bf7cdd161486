// GPU frame preparation benchmark: each kernel at 1080p, 4K and 8K as achieved bandwidth
// (bytes read + written per frame / time) against the device-to-device copy bandwidth
// measured in the same run, the per-frame time of 4K HDR -> SDR NV12 (at 4K, and at 1080p both as
// the two-step chain and as the fused kernel), and the speed-up over the C++ reference on this
// machine's cores. Prints a Markdown table.
//
//   gpu_prep_bench [--quick]
#include <cuda_runtime.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "nvcast/convert.h"

using namespace nvcast;

namespace {

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        cudaError_t e_ = (x);                                                                      \
        if (e_ != cudaSuccess) {                                                                   \
            std::fprintf(stderr, "%s failed: %s\n", #x, cudaGetErrorString(e_));                   \
            std::exit(1);                                                                          \
        }                                                                                          \
    } while (0)

size_t frame_bytes(PixelFormat f, int w, int h) {
    size_t total = 0;
    for (int p = 0; p < format_info(f).planes; ++p) total += plane_row_bytes(f, w, p) * plane_rows(f, h, p);
    return total;
}


Frame device_frame(PixelFormat f, int w, int h, uint32_t seed) {
    std::array<int, Frame::kMaxPlanes> pitch{};
    std::array<size_t, Frame::kMaxPlanes> offset{};
    size_t total = 0;
    for (int p = 0; p < format_info(f).planes; ++p) {
        pitch[p] = static_cast<int>((plane_row_bytes(f, w, p) + 255) / 256 * 256);
        offset[p] = total;
        total += static_cast<size_t>(pitch[p]) * plane_rows(f, h, p);
    }
    void* base = nullptr;
    CHECK(cudaMalloc(&base, total));
    // random bytes; 10-bit formats get their padding bits cleared by the kernels' reads anyway
    std::vector<uint8_t> host(total);
    std::mt19937 rng(seed);
    for (auto& b : host) b = static_cast<uint8_t>(rng());
    CHECK(cudaMemcpy(base, host.data(), total, cudaMemcpyHostToDevice));
    std::array<uint8_t*, Frame::kMaxPlanes> data{};
    for (int p = 0; p < format_info(f).planes; ++p) data[p] = static_cast<uint8_t*>(base) + offset[p];
    return Frame::wrap(f, w, h, MemoryType::Cuda, data, pitch, std::shared_ptr<void>(base, [](void* q) { cudaFree(q); }));
}

Frame host_frame(PixelFormat f, int w, int h, uint32_t seed) {
    Frame fr = Frame::allocate(f, w, h);
    std::mt19937 rng(seed);
    for (int p = 0; p < fr.plane_count(); ++p) {
        uint8_t* d = fr.data(p);
        for (size_t i = 0; i < static_cast<size_t>(fr.pitch(p)) * plane_rows(f, h, p); ++i) d[i] = static_cast<uint8_t>(rng());
    }
    return fr;
}

float median(std::vector<float> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Device-to-device copy bandwidth (read + write) of a 1 GiB buffer.
double copy_bandwidth(cudaStream_t s) {
    const size_t bytes = size_t(1) << 30;
    void *a = nullptr, *b = nullptr;
    CHECK(cudaMalloc(&a, bytes));
    CHECK(cudaMalloc(&b, bytes));
    CHECK(cudaMemset(a, 1, bytes));
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    std::vector<float> ms;
    for (int i = 0; i < 12; ++i) {
        cudaEventRecord(e0, s);
        CHECK(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, s));
        cudaEventRecord(e1, s);
        cudaEventSynchronize(e1);
        float t = 0;
        cudaEventElapsedTime(&t, e0, e1);
        if (i >= 2) ms.push_back(t);
    }
    cudaFree(a);
    cudaFree(b);
    return 2.0 * bytes / (median(ms) * 1e-3);
}

struct Case {
    const char* name;
    PixelFormat in;
    PixelFormat out;
    int div_in;   // input size = size / div_in
    int div_out;  // output size = size / div_out
    ConvertOptions options;
    bool hdr = false;
};

struct Size {
    const char* name;
    int w, h;
};

// Times `iters` calls of convert(input, stream), rotating over `n` input frames (so small frames
// do not sit in L2).
template <typename Convert>
float time_gpu_calls(Convert&& convert, std::vector<Frame>& ins, int iters, cudaStream_t s) {
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    for (int i = 0; i < 3; ++i) convert(ins[static_cast<size_t>(i) % ins.size()], s);
    std::vector<float> per;
    for (int rep = 0; rep < 5; ++rep) {
        cudaEventRecord(e0, s);
        for (int i = 0; i < iters; ++i) convert(ins[static_cast<size_t>(i) % ins.size()], s);
        cudaEventRecord(e1, s);
        CHECK(cudaEventSynchronize(e1));
        float t = 0;
        cudaEventElapsedTime(&t, e0, e1);
        per.push_back(t / iters);
    }
    CHECK(cudaGetLastError());
    return median(per);
}

float time_gpu(FrameConverter& conv, std::vector<Frame>& ins, Frame& out, int iters, cudaStream_t s) {
    return time_gpu_calls([&](const Frame& in, cudaStream_t st) { conv.convert(in, out, st); }, ins, iters, s);
}

float time_cpu(FrameConverter& conv, const Frame& in, Frame& out, int iters) {
    conv.convert(in, out);
    std::vector<float> per;
    for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < iters; ++i) conv.convert(in, out);
        const auto t1 = std::chrono::steady_clock::now();
        per.push_back(std::chrono::duration<float, std::milli>(t1 - t0).count() / iters);
    }
    return median(per);
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    if (!FrameConverter::gpu_available()) {
        std::printf("no GPU: %s\n", FrameConverter::describe_gpu().c_str());
        return 0;
    }
    std::printf("%s\n", FrameConverter::describe_gpu().c_str());
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    const double copy_bw = copy_bandwidth(s);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::printf("device-to-device copy bandwidth (read + write): %.0f GB/s; CPU reference threads: %u\n\n",
                copy_bw / 1e9, cores);

    ConvertOptions bilinear, bicubic, area, tm;
    bilinear.filter = ScaleFilter::Bilinear;
    bicubic.filter = ScaleFilter::Bicubic;
    area.filter = ScaleFilter::Area;
    tm.tonemap.curve = ToneCurve::Bt2390;
    tm.tonemap.source_peak_nits = 1000;
    const std::vector<Case> cases = {
        {"convert bgra->nv12", PixelFormat::BGRA, PixelFormat::NV12, 1, 1, {}},
        {"convert rgb24->i420", PixelFormat::RGB24, PixelFormat::I420, 1, 1, {}},
        {"convert nv12->bgra", PixelFormat::NV12, PixelFormat::BGRA, 1, 1, {}},
        {"convert x2rgb10->p010", PixelFormat::X2RGB10, PixelFormat::P010, 1, 1, {}},
        {"convert p010->nv12", PixelFormat::P010, PixelFormat::NV12, 1, 1, {}},
        {"convert nv12->i444", PixelFormat::NV12, PixelFormat::I444, 1, 1, {}},
        {"scale nv12 1/2 bilinear", PixelFormat::NV12, PixelFormat::NV12, 1, 2, bilinear},
        {"scale nv12 1/2 bicubic", PixelFormat::NV12, PixelFormat::NV12, 1, 2, bicubic},
        {"scale nv12 1/2 area", PixelFormat::NV12, PixelFormat::NV12, 1, 2, area},
        {"scale nv12 x2 bicubic", PixelFormat::NV12, PixelFormat::NV12, 2, 1, bicubic},
        {"scale p010 1/2 bicubic", PixelFormat::P010, PixelFormat::P010, 1, 2, bicubic},
        {"tonemap p010 pq->nv12 bt2390", PixelFormat::P010, PixelFormat::NV12, 1, 1, tm, true},
    };
    const Size sizes[] = {{"1080p", 1920, 1080}, {"4K", 3840, 2160}, {"8K", 7680, 4320}};

    std::printf("| kernel | size | GPU ms/frame | GB/s | %% of copy | CPU ref ms/frame (%u thr) | GPU speed-up |\n", cores);
    std::printf("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (const Case& c : cases)
        for (const Size& sz : sizes) {
            const int iw = sz.w / c.div_in, ih = sz.h / c.div_in, ow = sz.w / c.div_out, oh = sz.h / c.div_out;
            const int nin = std::max(2, static_cast<int>((size_t(256) << 20) / frame_bytes(c.in, iw, ih)));
            std::vector<Frame> ins;
            for (int i = 0; i < std::min(nin, 16); ++i) {
                ins.push_back(device_frame(c.in, iw, ih, static_cast<uint32_t>(i)));
                if (c.hdr)
                    ins.back().color = {ColorPrimaries::BT2020, TransferCharacteristics::PQ, MatrixCoefficients::BT2020_NCL,
                                        ColorRange::Limited};
            }
            Frame out = device_frame(c.out, ow, oh, 99);
            FrameConverter gpu(c.options);
            const int iters = quick ? 5 : (sz.w >= 7680 ? 20 : 50);
            const float ms = time_gpu(gpu, ins, out, iters, s);
            const double bytes = static_cast<double>(frame_bytes(c.in, iw, ih) + frame_bytes(c.out, ow, oh));
            const double bw = bytes / (ms * 1e-3);
            std::string cpu_col = "-", ratio_col = "-";
            if (sz.w == 3840) {  // CPU reference at 4K only (it is slow)
                Frame hin = host_frame(c.in, iw, ih, 1);
                hin.color = ins[0].color;
                Frame hout = Frame::allocate(c.out, ow, oh);
                FrameConverter cpu(c.options);
                const float cms = time_cpu(cpu, hin, hout, quick ? 1 : 3);
                char buf[64];
                std::snprintf(buf, sizeof buf, "%.2f", cms);
                cpu_col = buf;
                std::snprintf(buf, sizeof buf, "%.0fx", cms / ms);
                ratio_col = buf;
            }
            std::printf("| %s | %s | %.3f | %.0f | %.0f%% | %s | %s |\n", c.name, sz.name, ms, bw / 1e9, 100.0 * bw / copy_bw,
                        cpu_col.c_str(), ratio_col.c_str());
            std::fflush(stdout);
        }

    // 4K HDR -> SDR: P010 PQ 4K -> NV12 SDR 4K (one tone-map kernel), and -> NV12 1080p both as the
    // chain (tone map at 4K into an NV12 frame, then the bicubic scaler: two conversions) and as
    // one conversion with ConvertOptions::fuse_tone_map_and_scale (the fused kernel).
    std::vector<Frame> hdr;
    for (int i = 0; i < 4; ++i) {
        hdr.push_back(device_frame(PixelFormat::P010, 3840, 2160, static_cast<uint32_t>(i)));
        hdr.back().color = {ColorPrimaries::BT2020, TransferCharacteristics::PQ, MatrixCoefficients::BT2020_NCL,
                            ColorRange::Limited};
    }
    const int hdr_iters = quick ? 5 : 50;
    Frame sdr_4k = device_frame(PixelFormat::NV12, 3840, 2160, 7);
    Frame sdr_1080p = device_frame(PixelFormat::NV12, 1920, 1080, 8);
    ConvertOptions fuse = tm;
    fuse.fuse_tone_map_and_scale = true;
    FrameConverter tone_map(tm), fused(fuse), scale(bicubic);
    const float ms_4k = time_gpu(tone_map, hdr, sdr_4k, hdr_iters, s);
    const float ms_chain = time_gpu_calls(
        [&](const Frame& in, cudaStream_t st) {
            tone_map.convert(in, sdr_4k, st);
            scale.convert(sdr_4k, sdr_1080p, st);
        },
        hdr, hdr_iters, s);
    const float ms_fused = time_gpu(fused, hdr, sdr_1080p, hdr_iters, s);
    const char* what = "4K HDR (P010 PQ, BT.2020) -> SDR NV12";
    std::printf("\n%s 4K, BT.2390 EETF: %.3f ms/frame (%.0f frames/s)\n", what, ms_4k, 1000.0 / ms_4k);
    std::printf("\n%s 1080p (tone map at 4K, then bicubic scale), BT.2390 EETF: %.3f ms/frame (%.0f frames/s)\n", what,
                ms_chain, 1000.0 / ms_chain);
    std::printf("\n%s 1080p (fused: tone map + bicubic scale in one kernel), BT.2390 EETF: %.3f ms/frame (%.0f frames/s, "
                "%.2fx the chain's speed)\n",
                what, ms_fused, 1000.0 / ms_fused, ms_chain / ms_fused);
    cudaStreamDestroy(s);
    return 0;
}
