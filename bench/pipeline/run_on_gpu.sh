#!/bin/bash
# On the GPU machine: builds the pipeline's GPU test and benchmark (CUDA on, x264 carried by
# bench/nvh264/carry_x264.sh), runs the test (device frames -> GPU preparation -> nvh264 with no
# host copy, bytes equal to the CPU reference), then the benchmarks. Logs go to $OUT.
#   bench/pipeline/run_on_gpu.sh [test|bench|all]
set -o pipefail
what=${1:-all}
OUT=${OUT:-$PWD/build-gpu/out}
mkdir -p "$OUT"
export PKG_CONFIG_PATH=$PWD/.carry/x264/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
# NVDEC needs the ffnvcodec headers; the GPU machine has none of its own (bench/decode/run_on_gpu.sh).
pkg-config --exists ffnvcodec 2> /dev/null || export PKG_CONFIG_PATH=$PWD/.carry/ffnvcodec/lib/pkgconfig:$PKG_CONFIG_PATH
export LD_LIBRARY_PATH=$PWD/.carry/x264/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/device.txt"
nproc | sed 's/^/host cores: /'
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DNVCAST_TEST_AREAS=pipeline > "$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
grep -E "X264|CUDA|TOML" "$OUT/configure.log"
cmake --build build-gpu -j"$(nproc)" --target pipeline_gpu_test pipeline_bench nvcast_cli \
      > "$OUT/build.log" 2>&1 || { grep -E "error|FAILED" "$OUT/build.log" | head -40; exit 1; }
if [[ $what == test || $what == all ]]; then
    echo "== pipeline_gpu_test"
    NVCAST_TEST_ARTIFACTS=$OUT ./build-gpu/tests/pipeline/pipeline_gpu_test 2>&1 | tee "$OUT/pipeline_gpu_test.log" |
        grep -E "^\[  (FAILED|PASSED|SKIPPED) |Failure|Expected|Which|^\[==" | head -30
fi
if [[ $what == bench || $what == all ]]; then
    b=./build-gpu/bench/pipeline/pipeline_bench
    echo "== x264 (p1), host frames 1080p: one thread per stream, then x264's own threading"
    $b --size 1920x1080 --frames 200 --streams 1,2,4,8,16 --backend x264 --preset p1 --threads 1 2>&1 | tee "$OUT/bench_x264_t1.md"
    $b --size 1920x1080 --frames 300 --streams 1,2,4 --backend x264 --preset p1 2>&1 | tee "$OUT/bench_x264.md"
    echo "== nvh264 CUDA, frames drawn on the GPU, 1080p NV12 -> GPU preparation to I420"
    $b --source cuda --size 1920x1080 --frames 120 --streams 1,2,4 --backend nvh264 2>&1 | tee "$OUT/bench_nvh264.md"
    echo "== nvh264 CUDA, 1080p60 -> GPU scale to 720p -> nvh264"
    $b --source cuda --size 1920x1080 --scale 1280x720 --frames 120 --streams 1,2,4 --backend nvh264 2>&1 | tee "$OUT/bench_nvh264_720.md"
    echo "== latency: 1080p60 real time to RTP on loopback"
    $b --source cuda --size 1920x1080 --frames 120 --latency --backend nvh264 2>&1 | tee "$OUT/latency_nvh264.md"
    $b --source cuda --size 640x360 --frames 120 --latency --backend nvh264 2>&1 | tee "$OUT/latency_nvh264_360.md"
    $b --size 1920x1080 --frames 120 --latency --backend x264 2>&1 | tee "$OUT/latency_x264.md"
fi
