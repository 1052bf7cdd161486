// Device-only code value <-> float steps that give bit-identical results to normalize_code and
// quantize (color_math.h) without the GPU's int/float conversion instructions (I2F, F2I, FRND),
// which run at 1/8 of the float rate on sm_80/sm_90 and bound the conversion kernels otherwise.
#pragma once

#include <stdint.h>

namespace nvcast::gpu {

// 2^23 as a float; its significand field counts units for values in [2^23, 2^24).
constexpr uint32_t kTwoPow23Bits = 0x4B000000u;
constexpr float kTwoPow23 = 8388608.0f;

// static_cast<float>(code) for 0 <= code < 2^23: the bits 2^23 + code minus 2^23, both exact.
__device__ __forceinline__ float exact_code_float(uint32_t code) {
    return __uint_as_float(kTwoPow23Bits | code) - kTwoPow23;
}

// normalize_code with the exact conversion above: the same two float operations after it.
__device__ __forceinline__ float exact_normalize(uint32_t code, float offset, float scale) {
    return (exact_code_float(code) - offset) * scale;
}

// quantize(n, scale, offset, max) for max < 2^23 (max_f = float(max)). The sum t is formed with
// the same operations. Then: NaN and t < 0 give 0 both ways (fmaxf drops NaN); for
// 0 <= t <= max, floor(t) is taken by adding 2^23 rounding toward zero (floats in [2^23, 2^24)
// are the integers, and toward zero is down for positives); t > max gives max both ways, since
// floor(t) >= max there.
__device__ __forceinline__ uint32_t exact_quantize(float n, float scale, float offset, float max_f) {
    const float t = n * scale + offset + 0.5f;
    const float clamped = fminf(fmaxf(t, 0.0f), max_f);
    return __float_as_uint(__fadd_rz(clamped, kTwoPow23)) - kTwoPow23Bits;
}

}  // namespace nvcast::gpu
