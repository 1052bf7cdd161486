#!/usr/bin/env bash
# nvcast's software paths against the ffmpeg CLI driving the same library with the
# same settings, on the same 1080p input, interleaved in one run; prints fps and the
# ratio nvcast/ffmpeg (goal >= 0.95).
#   bench/software/compare_ffmpeg.sh [NVCAST_BINARY] [FRAMES] [REPEATS]
set -euo pipefail
nvcast=${1:-build/tools/nvcast}
frames=${2:-300}
repeats=${3:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Camera-like test input: ffmpeg's testsrc2 pattern with temporal noise, 1080p30.
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i "testsrc2=size=1920x1080:rate=30" \
  -vf "noise=alls=12:allf=t" -frames:v "$frames" -pix_fmt yuv420p "$work/in.y4m"

seconds() {  # seconds a command takes
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

# name | nvcast options | ffmpeg options | output extension
cases=(
  "x264|--codec h264 --backend x264 --preset p1 --qp 28 --gop 250|-c:v libx264 -preset ultrafast -qp 28 -g 250 -keyint_min 250 -sc_threshold 0 -bf 0|h264"
  "x265|--codec hevc --backend x265 --preset p1 --qp 30 --gop 250|-c:v libx265 -preset ultrafast -x265-params qp=30:keyint=250:min-keyint=250:scenecut=0:open-gop=0:bframes=0:repeat-headers=1:info=0:log-level=error|hevc"
  "svtav1|--codec av1 --backend svtav1 --preset p1 --qp 40 --gop 250|-c:v libsvtav1 -preset 12 -svtav1-params keyint=249:irefresh-type=2:rc=0:aq-mode=0:qp=40|ivf"
)

printf "%-8s %12s %12s %8s\n" backend "nvcast fps" "ffmpeg fps" ratio
for c in "${cases[@]}"; do
  IFS='|' read -r name ours theirs ext <<< "$c"
  t_ours=0 t_theirs=0
  for ((r = 0; r < repeats; r++)); do  # interleaved so machine noise hits both alike
    t_ours=$(echo "$t_ours + $(seconds "$nvcast" -q encode "$work/in.y4m" $ours -o "$work/ours.$ext")" | bc -l)
    t_theirs=$(echo "$t_theirs + $(seconds ffmpeg -nostdin -y -loglevel error -i "$work/in.y4m" $theirs "$work/theirs.$ext")" | bc -l)
  done
  fps_ours=$(echo "$frames * $repeats / $t_ours" | bc -l)
  fps_theirs=$(echo "$frames * $repeats / $t_theirs" | bc -l)
  printf "%-8s %12.1f %12.1f %8.3f\n" "$name" "$fps_ours" "$fps_theirs" "$(echo "$fps_ours / $fps_theirs" | bc -l)"
done
