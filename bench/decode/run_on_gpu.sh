#!/bin/bash
# On the GPU machine: builds the NVDEC test (CUDA on; the ffnvcodec headers carried when the
# machine lacks them) and decodes the streams bench/decode/make_nvdec_reference.sh carried in
# .carry/nvdec with the real libnvcuvid, every frame's MD5 checked against libavcodec's; then the
# pipeline's NVDEC -> nvh264 transcode test (no host copy) and the transcode benchmark
# (bench/decode/transcode_bench.sh carry + bench/nvh264/carry_x264.sh first). Logs go to $OUT
# (default build-gpu/out).
#   bench/decode/run_on_gpu.sh [test|bench|all]   (GPU machine)
#   bench/decode/run_on_gpu.sh --emulator   (here: the same test on the NVDEC emulator, build-nvdec)
set -o pipefail
if [[ ${1:-} == --emulator ]]; then
    build=${BUILD:-build-nvdec}
    cmake --build "$build" -j1 --target nvdec_gpu_test nvcast_emu > /dev/null || exit 1
    NVCAST_CUDA_LIBRARY=$PWD/$build/emu/lib/libcuda.so.1 NVCAST_NVCUVID_LIBRARY=$PWD/$build/emu/lib/libnvcuvid.so.1 \
        "./$build/tests/nvdec/nvdec_gpu_test"
    exit $?
fi
[[ -f .carry/nvdec/manifest.txt ]] || { echo "no .carry/nvdec: run bench/decode/make_nvdec_reference.sh first"; exit 1; }
what=${1:-all}
OUT=${OUT:-$PWD/build-gpu/out}
export PKG_CONFIG_PATH=$PWD/.carry/x264/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export LD_LIBRARY_PATH=$PWD/.carry/x264/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
mkdir -p "$OUT"
if ! pkg-config --exists ffnvcodec 2> /dev/null; then
    export PKG_CONFIG_PATH=$PWD/.carry/ffnvcodec/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/device.txt"
ls -l /usr/lib/x86_64-linux-gnu/libnvcuvid.so* 2> /dev/null | head -3
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DNVCAST_TEST_AREAS="nvdec;pipeline" > "$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
grep -E "NVENC_HEADERS|CUDA" "$OUT/configure.log"
grep -q "NVENC_HEADERS: ON" "$OUT/configure.log" ||
    { echo "the ffnvcodec headers were not found (is pkg-config installed? .carry/ffnvcodec carried?)"; exit 1; }
cmake --build build-gpu -j"$(nproc)" --target nvdec_gpu_test pipeline_gpu_test nvcast_cli > "$OUT/build.log" 2>&1 ||
    { grep -E "error|FAILED" "$OUT/build.log" | head -40; exit 1; }
if [[ $what == test || $what == all ]]; then
    echo "== nvdec_gpu_test (NVDEC vs libavcodec, per-frame MD5)"
    ./build-gpu/tests/nvdec/nvdec_gpu_test 2>&1 | tee "$OUT/nvdec_gpu_test.log" |
        grep -E "^\[  (FAILED|PASSED|SKIPPED) |^  |Failure|frame [0-9]+:|^\[==" | head -80
    echo "== pipeline_gpu_test (NVDEC -> nvh264 CUDA, no host copy; device frames -> nvh264)"
    ./build-gpu/tests/pipeline/pipeline_gpu_test 2>&1 | tee "$OUT/pipeline_gpu_test.log" |
        grep -E "^\[  (FAILED|PASSED|SKIPPED) |Failure|Expected|Which|^\[==" | head -30
fi
if [[ $what == bench || $what == all ]]; then
    echo "== transcode benchmark (whole command: NVDEC decode + encode)"
    bash bench/decode/transcode_bench.sh gpu build-gpu/tools/nvcast 2 2>&1 | tee "$OUT/transcode_bench.md"
fi
