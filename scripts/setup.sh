#!/usr/bin/env bash
# Installs everything nvcast needs on Debian 12 (idempotent; run as root).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libx264-dev libx265-dev libsvtav1enc-dev            # software encoders
  libavformat-dev libavcodec-dev libavutil-dev        # containers, independent decoding, file and network inputs
  libavdevice-dev                                     # capture inputs (V4L2, X11 screen)
  xvfb                                                # a screen to capture in tests
  libffmpeg-nvenc-dev                                 # NVENC API headers (API 11.1)
  libsrtp2-dev                                        # SRTP
  libssl-dev libcpp-httplib-dev                       # WebRTC: DTLS, STUN integrity; the WHEP endpoint
  chromium                                            # the browser in WebRTC tests (driven by playwright-core from npm)
  janus                                               # a WebRTC server fed nvcast's RTP, in a browser test
  pybind11-dev python3-dev python3-numpy              # the Python module and its tests
  libcli11-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev          # tests and benchmarks
  ffmpeg bc                                           # the independent peer in tests; bc for bench scripts
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-bad  # GStreamer's nvcodec drives the NVENC emulator
  clang libclang-rt-14-dev libc++-dev libc++abi-dev   # clang build, libFuzzer, strict-include check (scripts/clang_checks.sh)
)
# Node.js and npm run the browser tests; the machine's own (e.g. NodeSource's) serves when present.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
