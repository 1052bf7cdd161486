#!/bin/bash
# On the GPU machine: where nvh264's CUDA engine spends its time, for the speed work that follows
# part 1. Builds like run_on_gpu.sh, prints each nvh264 kernel's registers / stack / spills
# (cuobjdump -res-usage), then profiles a few launches of the decision and motion kernels with
# Nsight Compute (clocks left alone). Reports go to $OUT (default build-gpu/out).
set -o pipefail
OUT=${OUT:-$PWD/build-gpu/out}
mkdir -p "$OUT"
export PKG_CONFIG_PATH=$PWD/.carry/x264/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export LD_LIBRARY_PATH=$PWD/.carry/x264/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DNVCAST_TEST_AREAS=nvh264 > "$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
cmake --build build-gpu -j"$(nproc)" --target nvh264_gpu_bench > "$OUT/build.log" 2>&1 ||
    { grep -E "error|FAILED" "$OUT/build.log" | head -40; exit 1; }
echo "== resources per kernel (registers, stack frame, spills)"
cuobjdump -res-usage build-gpu/src/libnvcast.so 2>&1 | grep -A1 -E "nvh264" | grep -oE "Function [^ ]*|REG:[0-9]+|STACK:[0-9]+|SHARED:[0-9]+|LOCAL:[0-9]+" |
    paste - - - - - | sed 's/Function _ZN6nvcast6nvh2644cuda[^ ]*\(wave\|plan\|motion\|half\|load\|intra\|cavlc\|skip\|slice\|pack\|ep\)/\1/' | tee "$OUT/resources.txt" | head -20
echo "== Nsight Compute: decision, finishing and deblocking waves, motion search (720p, a few launches)"
ncu --clock-control none --kernel-name regex:'plan_kernel|finish_wave|deblock_wave|motion_kernel' --launch-skip 1000 --launch-count 12 \
    --section SpeedOfLight --section LaunchStats --section Occupancy --section WarpStateStats --section SchedulerStats \
    ./build-gpu/bench/nvh264/nvh264_gpu_bench --frames 3 --gpu-frames 4 --sizes 720p > "$OUT/ncu.txt" 2>&1
grep -E "plan_kernel|finish_wave|deblock_wave|motion_kernel|Duration|Registers Per|Stack Size|Achieved Occupancy|Warp Cycles Per Issued|Stall|Issued Ipc|No Eligible|Local Memory" "$OUT/ncu.txt" | head -60
