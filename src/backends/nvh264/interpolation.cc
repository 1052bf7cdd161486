#include "backends/nvh264/interpolation.h"

#include "core/parallel_rows.h"

namespace nvcast::nvh264 {

void build_half_planes(const RefView& ref, int threads) {
    const int w = ref.pic.y.width, h = ref.pic.y.height, pad = PaddedView::kPad;
    parallel_rows(h + 2 * pad, threads, 16, [&](int begin, int end) {
        for (int y = begin - pad; y < end - pad; ++y)
            for (int x = -pad; x < w + pad; ++x) half_samples_at(ref, x, y);
    });
}

}  // namespace nvcast::nvh264
