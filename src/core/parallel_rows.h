// Splits rows [0, n) into contiguous bands, one per worker thread, for work whose result does not
// depend on the split (CPU references, the synthetic source).
#pragma once

#include <algorithm>
#include <system_error>
#include <thread>
#include <vector>

namespace nvcast {

// Runs fn(begin, end) over bands covering [0, n): on `threads` threads (0: one per hardware thread),
// never fewer than min_rows rows a band; one band runs on the calling thread, and so do the bands of
// threads the system would not start. fn must not throw on a worker thread.
template <typename Fn>
void parallel_rows(int n, int threads, int min_rows, Fn&& fn) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads = std::clamp(threads, 1, std::max(1, n / std::max(1, min_rows)));
    const auto band = [n, threads](int t) { return static_cast<int>(static_cast<long long>(n) * t / threads); };
    std::vector<std::thread> pool;
    struct JoinAll {
        std::vector<std::thread>& threads;
        ~JoinAll() {
            for (std::thread& t : threads) t.join();
        }
    } join_all{pool};  // however this returns
    pool.reserve(static_cast<size_t>(threads - 1));
    int started = 1;
    try {
        for (; started < threads; ++started) pool.emplace_back([&fn, &band, started] { fn(band(started), band(started + 1)); });
    } catch (const std::system_error&) {
        // out of threads: the rest run here
    }
    fn(0, band(1));
    for (int t = started; t < threads; ++t) fn(band(t), band(t + 1));
}

}  // namespace nvcast
