#!/usr/bin/env bash
# Whole transcodes (decode + encode) of a 1080p and a 4K H.264 file.
#   bench/decode/transcode_bench.sh here [NVCAST] [REPEATS]   nvcast (libavcodec decode + x264) against the ffmpeg
#                                                           CLI doing the same transcode, interleaved in one run
#   bench/decode/transcode_bench.sh carry                   writes the inputs as Annex-B into .carry/transcode for
#                                                           the GPU machine (it has no FFmpeg to make or demux them)
#   bench/decode/transcode_bench.sh gpu [NVCAST] [REPEATS]  on the GPU machine: NVDEC -> nvh264 on the GPU (no host
#                                                           copy) against NVDEC -> x264 on the host's cores
# Prints fps per case and the ratio to the peer measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-here}
nvcast=${2:-build/tools/nvcast}
repeats=${3:-2}

make_inputs() {  # dir ext: testsrc2 with temporal noise (not trivial to decode), H.264 High, B-frames
    local dir=$1 ext=$2
    mkdir -p "$dir"
    for spec in "1080p 1920x1080 300" "4k 3840x2160 60"; do
        read -r name size frames <<< "$spec"
        [[ -s $dir/$name.$ext ]] && continue
        ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=$size:rate=30" \
            -vf "noise=alls=8:allf=t" -frames:v "$frames" -pix_fmt yuv420p -c:v libx264 -preset veryfast -crf 23 \
            -bf 2 "$dir/$name.$ext"
    done
}

seconds() {  # wall seconds of a whole command (start-up included, as a user sees it)
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

frames_of() { case $1 in *1080p*) echo 300 ;; *) echo 60 ;; esac; }

# compare NAME INPUT "ours..." "theirs..." OURS_LABEL THEIRS_LABEL
compare() {
    local name=$1 input=$2 ours=$3 theirs=$4
    local t_ours=0 t_theirs=0 frames
    frames=$(frames_of "$input")
    for ((r = 0; r < repeats; r++)); do  # interleaved so machine noise hits both alike
        t_ours=$(awk -v a="$t_ours" -v b="$(seconds $ours)" 'BEGIN { print a + b }')
        t_theirs=$(awk -v a="$t_theirs" -v b="$(seconds $theirs)" 'BEGIN { print a + b }')
    done
    awk -v name="$name" -v n="$((frames * repeats))" -v a="$t_ours" -v b="$t_theirs" \
        'BEGIN { printf "| %-6s | %10.1f | %10.1f | %6.2f |\n", name, n / a, n / b, b / a }'
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $mode in
here)
    make_inputs .carry/transcode mp4
    echo "| input | nvcast fps | ffmpeg fps | ratio |"
    echo "| --- | ---: | ---: | ---: |"
    for name in 1080p 4k; do
        in=.carry/transcode/$name.mp4
        compare "$name" "$in" \
            "$nvcast -q encode $in --decoder cpu -c h264 -b x264 --preset p1 --qp 28 --gop 250 -o $work/ours.mp4" \
            "ffmpeg -nostdin -y -loglevel error -i $in -c:v libx264 -preset ultrafast -qp 28 -g 250 -keyint_min 250 -sc_threshold 0 -bf 0 $work/theirs.mp4"
    done
    ;;
carry)
    make_inputs "$work" mp4
    mkdir -p .carry/transcode
    for name in 1080p 4k; do
        ffmpeg -nostdin -hide_banner -loglevel error -y -i "$work/$name.mp4" -c copy -bsf:v h264_mp4toannexb \
            ".carry/transcode/$name.h264"
    done
    ls -la .carry/transcode
    ;;
gpu)
    threads=$(nproc)
    echo "| input | NVDEC+nvh264 fps | NVDEC+x264 ($threads threads) fps | ratio |"
    echo "| --- | ---: | ---: | ---: |"
    for name in 1080p 4k; do
        in=.carry/transcode/$name.h264
        compare "$name" "$in" \
            "$nvcast -q encode $in --decoder nvdec -c h264 -b nvh264 --preset p1 --qp 28 --gop 250 -o $work/gpu.h264" \
            "$nvcast -q encode $in --decoder nvdec -c h264 -b x264 --threads $threads --preset p1 --qp 28 --gop 250 -o $work/cpu.h264"
        "$nvcast" encode "$in" --decoder nvdec -b nvh264 --preset p1 --qp 28 -o "$work/gpu.h264" --json |
            grep -E '"(decoder|host_device_copies|encode_fps|backend)"' || true
    done
    ;;
*)
    echo "usage: $0 here|carry|gpu [NVCAST] [REPEATS]" >&2
    exit 2
    ;;
esac
