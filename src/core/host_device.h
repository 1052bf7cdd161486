// Markers for code that host and CUDA device compile from the same source (the CPU references and
// the kernels that must match them), so both sides define them once.
#pragma once

// NVCAST_HD: small arithmetic, always inlined. NVCAST_HD_FN: larger functions (a macroblock's mode
// decision, motion search, CAVLC) that host and device share but need not inline.
#if defined(__CUDACC__)
#define NVCAST_HD __host__ __device__ __forceinline__
#define NVCAST_HD_FN __host__ __device__ inline
#else
#define NVCAST_HD inline
#define NVCAST_HD_FN inline
#endif

// Full unrolling of fixed-size loops in device code, so small arrays stay in registers.
#if defined(__CUDA_ARCH__)
#define NVCAST_UNROLL _Pragma("unroll")
#else
#define NVCAST_UNROLL
#endif
