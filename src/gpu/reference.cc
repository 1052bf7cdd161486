#include "gpu/reference.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace nvcast::gpu {

template <typename Fn>
void parallel_rows(int n, int threads, Fn&& fn) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads = std::clamp(threads, 1, std::max(1, n / 8));
    if (threads == 1) {
        fn(0, n);
        return;
    }
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(threads));
    for (int t = 0; t < threads; ++t) {
        const int begin = static_cast<int>(static_cast<long long>(n) * t / threads);
        const int end = static_cast<int>(static_cast<long long>(n) * (t + 1) / threads);
        pool.emplace_back([&fn, begin, end] { fn(begin, end); });
    }
    for (auto& th : pool) th.join();
}

void convert_reference(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, int threads) {
    const int tiles_x = (dst.width + kTileW - 1) / kTileW;
    const int tiles_y = (dst.height + kTileH - 1) / kTileH;
    parallel_rows(tiles_y, threads, [&](int begin, int end) {
        for (int ty = begin; ty < end; ++ty)
            for (int tx = 0; tx < tiles_x; ++tx) convert_tile(src, dst, params, tx, ty);
    });
}

void scale_reference(const ScalePlane* planes, int count, int threads) {
    for (int k = 0; k < count; ++k) {
        const ScalePlane& p = planes[k];
        parallel_rows(p.dst_h, threads, [&](int begin, int end) {
            for (int y = begin; y < end; ++y)
                for (int x = 0; x < p.dst_w; ++x)
                    for (int c = 0; c < p.comps; ++c) scale_write(p, x, y, c, scale_sample(p, x, y, c));
        });
    }
}

}  // namespace nvcast::gpu
