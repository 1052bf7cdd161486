#!/bin/bash
# On the GPU machine: builds the CLI, the ipc tests and the latency benchmark with CUDA, runs the
# tests (host channels, then CUDA frames between processes: label gpu) and the benchmark for host
# and CUDA frames at 1080p and 4K. Logs go to $OUT.
#   bench/ipc/run_on_gpu.sh [test|bench|all]
set -o pipefail
what=${1:-all}
OUT=${OUT:-$PWD/build-gpu/out}
mkdir -p "$OUT"
# NVDEC and NVENC need the ffnvcodec headers; the GPU machine has none of its own.
pkg-config --exists ffnvcodec 2> /dev/null || export PKG_CONFIG_PATH=$PWD/.carry/ffnvcodec/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/device.txt"
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DNVCAST_TEST_AREAS="ipc;gpu" > "$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
grep -E "CUDA" "$OUT/configure.log" | head -5
cmake --build build-gpu -j"$(nproc)" --target nvcast_cli ipc_test ipc_gpu_split_test ipc_latency \
      > "$OUT/build.log" 2>&1 || { grep -E "error|FAILED" "$OUT/build.log" | head -40; exit 1; }
if [[ $what == test || $what == all ]]; then
    for t in ipc_test ipc_gpu_split_test; do
        echo "== $t"
        ./build-gpu/tests/ipc/$t 2>&1 | tee "$OUT/$t.log" |
            grep -E "^\[  (FAILED|PASSED|SKIPPED|     OK) |Failure|Expected|Which|actual|^\[==" | head -40
    done
    echo "== /dev/shm after the tests: $(ls /dev/shm | wc -l) entries"
fi
if [[ $what == bench || $what == all ]]; then
    b=./build-gpu/bench/ipc/ipc_latency
    for memory in host cuda; do
        for size in 1920x1080 3840x2160; do
            echo "== ipc_latency --memory $memory --size $size --frames 600 --fps 60"
            $b --memory $memory --size $size --frames 600 --fps 60 2>&1 | tee "$OUT/latency_${memory}_$size.md"
        done
    done
fi
