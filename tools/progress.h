// A one-line progress bar on stderr, drawn only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>

namespace nvcast::cli {

class ProgressBar {
public:
    ProgressBar(int64_t total_frames, bool enabled);
    void update(int64_t frames_done, double bits_so_far);
    void finish();

private:
    int64_t total_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace nvcast::cli
