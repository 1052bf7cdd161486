#!/bin/bash
# On the GPU machine: builds nvh264's CUDA engine with the carried x264 (bench/nvh264/carry_x264.sh),
# checks it against the CPU reference (nvh264_engine_match_test, label gpu), runs a small case set
# under compute-sanitizer, then the benchmark. Logs go to $OUT (default build-gpu/out).
#   bench/nvh264/run_on_gpu.sh [test|sanitize|bench|all] [benchmark options...]
set -o pipefail
what=${1:-all}
shift || true
OUT=${OUT:-$PWD/build-gpu/out}
mkdir -p "$OUT"
export PKG_CONFIG_PATH=$PWD/.carry/x264/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export LD_LIBRARY_PATH=$PWD/.carry/x264/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv,noheader | tee "$OUT/device.txt"
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DNVCAST_TEST_AREAS=nvh264 > "$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
grep -E "X264|CUDA" "$OUT/configure.log"
cmake --build build-gpu -j"$(nproc)" --target nvh264_engine_match_test nvh264_golden_test nvh264_gpu_bench \
      > "$OUT/build.log" 2>&1 || { grep -E "error|FAILED" "$OUT/build.log" | head -40; exit 1; }
if [[ $what == test || $what == all ]]; then
    echo "== nvh264_engine_match_test (CUDA engine vs CPU reference)"
    ./build-gpu/tests/nvh264/nvh264_engine_match_test 2>&1 | tee "$OUT/engine_match.log" |
        grep -E "^\[  (FAILED|PASSED|SKIPPED) |Failure|differ|stage|^\[==" | head -60
    echo "== nvh264_golden_test (CPU reference hashes)"
    ./build-gpu/tests/nvh264/nvh264_golden_test 2>&1 | tee "$OUT/golden.log" | grep -E "PASSED|FAILED" | head -20
fi
if [[ $what == sanitize || $what == all ]] && command -v compute-sanitizer > /dev/null; then
    echo "== compute-sanitizer memcheck (small cases)"
    NVCAST_GPU_TEST_SMALL=1 timeout 300 compute-sanitizer --tool memcheck \
        ./build-gpu/tests/nvh264/nvh264_engine_match_test --gtest_filter='*qp0:*qp27:*qp51:*slices4:*intra_refresh:*cbr*:*forced_idr:*nv12:*Refused*' \
        2>&1 | tee "$OUT/sanitizer.log" | grep -E "ERROR SUMMARY|PASSED|FAILED|Invalid|out of bounds" | head -20
fi
if [[ $what == bench || $what == all ]]; then
    echo "== nvh264_gpu_bench"
    ./build-gpu/bench/nvh264/nvh264_gpu_bench "$@" 2>&1 | tee "$OUT/bench.md"
fi
