#include "backends/nvh264/analysis.h"

#include <vector>

#include "core/parallel_rows.h"

namespace nvcast::nvh264 {

int64_t intra_complexity_stage(const PlaneView& y, int threads) {
    std::vector<int64_t> row_totals(static_cast<size_t>(y.height / 8), 0);
    parallel_rows(static_cast<int>(row_totals.size()), threads, 2, [&](int begin, int end) {
        for (int r = begin; r < end; ++r)
            for (int bx = 0; bx + 8 <= y.width; bx += 8) row_totals[static_cast<size_t>(r)] += intra_block_complexity(y, bx, r * 8);
    });
    int64_t total = 0;
    for (const int64_t t : row_totals) total += t;
    return total;
}

}  // namespace nvcast::nvh264
