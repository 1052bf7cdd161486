// nvh264 CUDA engine: per-stage GPU time from CUDA events, for the benchmark's breakdown.
// Each mark ends the stage it names; the time since the previous mark (on the GPU's clock,
// host launch gaps included) is added to that stage once the stream has passed both.
#pragma once

#include <cuda_runtime_api.h>

#include <string>
#include <utility>
#include <vector>

#include "gpu/cuda_check.h"

namespace nvcast::nvh264::cuda {

class StageClock {
public:
    StageClock() = default;
    StageClock(const StageClock&) = delete;
    StageClock& operator=(const StageClock&) = delete;
    ~StageClock() {
        for (cudaEvent_t e : free_) cudaEventDestroy(e);
        for (auto& p : pending_) cudaEventDestroy(p.second);
        if (last_) cudaEventDestroy(last_);
    }

    void enable() { enabled_ = true; }
    bool enabled() const { return enabled_; }

    // Starts a frame: the time since the previous frame's last mark (host idle) counts nowhere.
    void start(cudaStream_t stream) { mark(nullptr, stream); }

    void mark(const char* stage, cudaStream_t stream) {
        if (!enabled_) return;
        cudaEvent_t e = nullptr;
        if (free_.empty()) {
            gpu::cuda_check(cudaEventCreate(&e), "nvh264: creating a timing event");
        } else {
            e = free_.back();
            free_.pop_back();
        }
        gpu::cuda_check(cudaEventRecord(e, stream), "nvh264: recording a timing event");
        pending_.emplace_back(stage, e);
    }

    // Call after the stream was synchronized past every mark.
    void collect() {
        for (auto& [stage, e] : pending_) {
            if (last_) {
                float ms = 0;
                gpu::cuda_check(cudaEventElapsedTime(&ms, last_, e), "nvh264: reading a timing event");
                if (stage) add(stage, ms);
                free_.push_back(last_);
            }
            last_ = e;
        }
        pending_.clear();
    }

    // Cumulative milliseconds per stage, in the order stages first appeared.
    const std::vector<std::pair<std::string, double>>& totals() const { return totals_; }

private:
    void add(const char* stage, double ms) {
        for (auto& t : totals_)
            if (t.first == stage) {
                t.second += ms;
                return;
            }
        totals_.emplace_back(stage, ms);
    }

    bool enabled_ = false;
    std::vector<std::pair<const char*, cudaEvent_t>> pending_;
    std::vector<cudaEvent_t> free_;
    cudaEvent_t last_ = nullptr;
    std::vector<std::pair<std::string, double>> totals_;
};

}  // namespace nvcast::nvh264::cuda
