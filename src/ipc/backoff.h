// Waiting for a flag that another process or the GPU sets within microseconds: spin (yielding
// the core) for a short while, then sleep. A sleep alone costs the timer slack (~50-60 µs) on
// every wait, which is more than the whole hand-off it waits for; spinning forever burns a core.
#pragma once

#include <chrono>
#include <thread>

namespace nvcast::ipc {

class Backoff {
public:
    // Call between two looks at the flag.
    void pause() {
        const auto now = std::chrono::steady_clock::now();
        if (start_ == std::chrono::steady_clock::time_point{}) start_ = now;
        if (now - start_ < kSpin)
            std::this_thread::yield();
        else
            std::this_thread::sleep_for(kSleep);
    }

private:
    static constexpr auto kSpin = std::chrono::microseconds(200);
    static constexpr auto kSleep = std::chrono::microseconds(50);
    std::chrono::steady_clock::time_point start_{};
};

}  // namespace nvcast::ipc
