#!/bin/bash
# On the GPU machine: builds libnvcast with CUDA and the Python module (the machine's python3 with
# PyTorch; pybind11 from it, or carried), runs tests/python/test_cuda.py, then its benchmark.
# x264 carried by bench/nvh264/carry_x264.sh. Logs go to $OUT.
set -o pipefail
OUT=${OUT:-$PWD/build-gpu/out}
mkdir -p "$OUT"
export PKG_CONFIG_PATH=$PWD/.carry/x264/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export LD_LIBRARY_PATH=$PWD/.carry/x264/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
py=$(command -v python3)
pybind=$($py -m pybind11 --cmakedir 2>/dev/null || echo "$PWD/.carry/pybind11/share/cmake/pybind11")
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DNVCAST_TEST_AREAS=pipeline -DPython3_EXECUTABLE="$py" -Dpybind11_DIR="$pybind" \
      > "$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
grep -E "X264|CUDA|Python" "$OUT/configure.log"
cmake --build build-gpu -j"$(nproc)" --target nvcast_python ${EXTRA_TARGETS:-} > "$OUT/build.log" 2>&1 ||
    { grep -E "error|FAILED" "$OUT/build.log" | head -40; exit 1; }
echo "== tests/python/test_cuda.py"
PYTHONPATH=$PWD/build-gpu/python $py tests/python/test_cuda.py -v 2>&1 | tee "$OUT/test_cuda.log" | grep -vE "^Svt|x264 \[" | tail -25
echo "== tensor to file, 5 s of 1080p30"
PYTHONPATH=$PWD/build-gpu/python $py tests/python/test_cuda.py bench 2>&1 | grep -vE "^Svt|x264 \[|nvcast info" | tee "$OUT/bench.md"
