#include "progress.h"

#include <cstdio>
#include <string>
#include <unistd.h>

namespace nvcast::cli {

ProgressBar::ProgressBar(int64_t total_frames, bool enabled)
    : total_(total_frames), enabled_(enabled && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void ProgressBar::update(int64_t done, double bits) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    drawn_ = true;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double fps = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    constexpr int kWidth = 30;
    std::string bar;
    if (total_ > 0) {
        const int filled = static_cast<int>(kWidth * std::min<int64_t>(done, total_) / total_);
        bar.reserve(kWidth + 3);  // appended piecewise: GCC 12 -O3 misreads chained operator+ (-Wrestrict)
        bar.append("[").append(filled, '#').append(kWidth - filled, '.').append("] ");
    }
    char total[32] = "";
    if (total_ > 0) std::snprintf(total, sizeof total, "/%lld", static_cast<long long>(total_));
    std::fprintf(stderr, "\r%s%lld%s frames  %.1f fps  %.2f MB\x1b[K", bar.c_str(), static_cast<long long>(done), total,
                 fps, bits / 8e6);
    std::fflush(stderr);
}

void ProgressBar::finish() {
    if (enabled_ && drawn_) std::fprintf(stderr, "\r\x1b[K");
}

}  // namespace nvcast::cli
