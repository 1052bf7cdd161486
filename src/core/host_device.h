// Markers for code that host and CUDA device compile from the same source (the CPU references and
// the kernels that must match them), so both sides define them once.
#pragma once

// NVCAST_HD: small arithmetic, always inlined. NVCAST_HD_FN: larger functions (a macroblock's mode
// decision, motion search, CAVLC) that host and device share but need not inline.
#if defined(__CUDACC__)
#define NVCAST_HD __host__ __device__ __forceinline__
#define NVCAST_HD_FN __host__ __device__ inline
#else
// On the host too NVCAST_HD is forced inline, and both are hidden, so what a shared library does not
// inline is called directly, not through the PLT: nvh264's CPU reference took 22% less time (720p).
#define NVCAST_HD inline __attribute__((always_inline, visibility("hidden")))
#define NVCAST_HD_FN inline __attribute__((visibility("hidden")))
#endif

// Full unrolling of fixed-size loops in device code, so small arrays stay in registers.
#if defined(__CUDA_ARCH__)
#define NVCAST_UNROLL _Pragma("unroll")
#else
#define NVCAST_UNROLL
#endif
