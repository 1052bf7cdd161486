#!/bin/bash
# On the GPU machine: builds the NVDEC test (CUDA on; the ffnvcodec headers carried when the
# machine lacks them) and decodes the streams bench/decode/make_nvdec_reference.sh carried in
# .carry/nvdec with the real libnvcuvid, every frame's MD5 checked against libavcodec's. Logs go
# to $OUT (default build-gpu/out).
#   bench/decode/run_on_gpu.sh              (GPU machine)
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
OUT=${OUT:-$PWD/build-gpu/out}
mkdir -p "$OUT"
if ! pkg-config --exists ffnvcodec 2> /dev/null; then
    export PKG_CONFIG_PATH=$PWD/.carry/ffnvcodec/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/device.txt"
ls -l /usr/lib/x86_64-linux-gnu/libnvcuvid.so* 2> /dev/null | head -3
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DNVCAST_TEST_AREAS=nvdec > "$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
grep -E "NVENC_HEADERS|CUDA" "$OUT/configure.log"
grep -q "NVENC_HEADERS: ON" "$OUT/configure.log" ||
    { echo "the ffnvcodec headers were not found (is pkg-config installed? .carry/ffnvcodec carried?)"; exit 1; }
cmake --build build-gpu -j"$(nproc)" --target nvdec_gpu_test > "$OUT/build.log" 2>&1 ||
    { grep -E "error|FAILED" "$OUT/build.log" | head -40; exit 1; }
echo "== nvdec_gpu_test (NVDEC vs libavcodec, per-frame MD5)"
./build-gpu/tests/nvdec/nvdec_gpu_test 2>&1 | tee "$OUT/nvdec_gpu_test.log" |
    grep -E "^\[  (FAILED|PASSED|SKIPPED) |^  |Failure|frame [0-9]+:|^\[==" | head -80
