#!/usr/bin/env bash
# Sets up, builds, and runs the main job: an encode with the best available backend.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DNVCAST_BUILD_TESTS=OFF
cmake --build build-release -j"$(nproc)" --target nvcast_cli
./build-release/tools/nvcast probe
./build-release/tools/nvcast encode synthetic:1920x1080@60:300 --backend auto -o out.mp4 --psnr
