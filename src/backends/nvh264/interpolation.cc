#include "backends/nvh264/interpolation.h"

namespace nvcast::nvh264 {

void build_half_planes(const RefView& ref) {
    const int w = ref.pic.y.width, h = ref.pic.y.height, pad = PaddedView::kPad;
    for (int y = -pad; y < h + pad; ++y)
        for (int x = -pad; x < w + pad; ++x) half_samples_at(ref, x, y);
}

}  // namespace nvcast::nvh264
