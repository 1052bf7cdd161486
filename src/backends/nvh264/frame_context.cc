#include "backends/nvh264/frame_context.h"

#include <cmath>

namespace nvcast::nvh264 {

void FrameContext::set_qp(int new_qp) {
    qp = new_qp;
    // lambda = 0.9 x 2^((QP-12)/6), from the six sixth-roots of 2 and an exact power of two, so
    // every machine computes the same table (no libm pow, whose last bit may differ).
    constexpr double kSixthRoots[6] = {1.0, 1.122462048309373, 1.2599210498948732,
                                       1.4142135623730951, 1.5874010519681994, 1.7817974362806785};
    const int e = qp - 12 + 60;  // >= 0 for qp >= -48
    const double lambda = std::ldexp(0.9 * kSixthRoots[e % 6], e / 6 - 10);
    for (int bits = 0; bits < kMaxCostBits; ++bits) lambda_bits[bits] = static_cast<int>(lambda * bits + 0.5);
}

}  // namespace nvcast::nvh264
