#!/bin/bash
# Builds the frame-preparation targets on a CUDA machine and runs, in order: the kernel-vs-
# reference test (label gpu), the CPU reference tests, the benchmark, and the kernel test under
# compute-sanitizer (small frames). Logs go to $OUT (default $BUILD/gpu-out); $BUILD (default
# build-dev) may be a build folder configured already (e.g. by bench/ipc/run_on_gpu.sh).
#   bench/gpu/run_on_gpu.sh [--quick]
set -o pipefail
BUILD=${BUILD:-build-dev}
OUT=${OUT:-$PWD/$BUILD/gpu-out}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/device.txt"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 > "$OUT/configure.log" 2>&1 ||
    { tail -30 "$OUT/configure.log"; exit 1; }
cmake --build "$BUILD" -j"$(nproc)" --target gpu_kernel_test gpu_reference_test gpu_prep_bench > "$OUT/build.log" 2>&1 ||
    { grep -E "error|FAILED" "$OUT/build.log" | head -40; exit 1; }
echo "== gpu_kernel_test"
./$BUILD/tests/gpu/gpu_kernel_test 2>&1 | tee "$OUT/gpu_kernel_test.log" | grep -E "^\[ (conv|tone|scal)|OK|FAILED|PASSED|SKIPPED|Failure" | head -60
echo "== gpu_reference_test (CPU references; ffmpeg peer tests skip without ffmpeg)"
./$BUILD/tests/gpu/gpu_reference_test 2>&1 | tee "$OUT/gpu_reference_test.log" | grep -E "FAILED|PASSED|SKIPPED" | head -20
echo "== gpu_prep_bench"
./$BUILD/bench/gpu/gpu_prep_bench "$@" 2>&1 | tee "$OUT/bench.md"
if command -v compute-sanitizer > /dev/null; then
    echo "== compute-sanitizer memcheck (small frames)"
    NVCAST_GPU_TEST_SMALL=1 timeout 150 compute-sanitizer --tool memcheck --leak-check full \
        ./$BUILD/tests/gpu/gpu_kernel_test 2>&1 | tee "$OUT/sanitizer.log" |
        grep -E "ERROR SUMMARY|PASSED|FAILED|Invalid" | head -20
fi
