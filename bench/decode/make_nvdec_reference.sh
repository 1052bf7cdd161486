#!/bin/bash
# Makes the NVDEC test streams and their reference into .carry/nvdec (git-ignored; it travels to
# the GPU machine, which has no FFmpeg): H.264 (1080p: coded 1088, cropped; B-frames), HEVC 8- and
# 10-bit, VP9 (superframes), AV1 (which the H200's NVDEC refuses), each from ffmpeg's testsrc2,
# with <name>.framemd5 = MD5 of every frame libavcodec decodes, in NVDEC's layout (NV12, or P010
# for 10-bit) and manifest.txt ("name codec bit_depth width height frames"). Also packs the
# ffnvcodec API headers into .carry/ffnvcodec for a machine without them.
# Check the result here against the emulator: bench/decode/run_on_gpu.sh --emulator
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=.carry/nvdec
rm -rf "$dest"
mkdir -p "$dest"
ff() { ffmpeg -hide_banner -v error -y "$@"; }

# name codec bit_depth width height frames ffmpeg-encoder-arguments...
make() {
    local name=$1 codec=$2 depth=$3 w=$4 h=$5 n=$6
    shift 6
    local fmt=yuv420p out_fmt=nv12
    [[ $depth == 10 ]] && fmt=yuv420p10le out_fmt=p010le
    ff -f lavfi -i "testsrc2=size=${w}x${h}:rate=30" -frames:v "$n" -pix_fmt "$fmt" "$@" "$dest/$name"
    # libavcodec's decode, converted to NVDEC's layout (an unscaled swscale repack), hashed per frame
    ff -i "$dest/$name" -fps_mode passthrough -pix_fmt "$out_fmt" -f framemd5 "$dest/$name.framemd5"
    local frames
    frames=$(grep -vc '^#' "$dest/$name.framemd5")
    [[ $frames == "$n" ]] || { echo "$name: $frames decoded frames, $n encoded" >&2; exit 1; }
    echo "$name $codec $depth $w $h $frames" >> "$dest/manifest.txt"
    printf '%-24s %s\n' "$name" "$(du -h "$dest/$name" | cut -f1)"
}

make h264_1080p_bframes.h264 h264 8 1920 1080 60 -c:v libx264 -preset fast -bf 3 -g 30
make h264_720p_baseline.h264 h264 8 1280 720 60 -c:v libx264 -profile:v baseline -g 60
make hevc_1080p_8bit.hevc hevc 8 1920 1080 60 -c:v libx265 -preset fast -x265-params log-level=error:bframes=4
make hevc_1080p_10bit.hevc hevc 10 1920 1080 30 -c:v libx265 -preset fast -x265-params log-level=error
make hevc_2160p_8bit.hevc hevc 8 3840 2160 20 -c:v libx265 -preset ultrafast -x265-params log-level=error
make vp9_720p.ivf vp9 8 1280 720 60 -c:v libvpx-vp9 -deadline good -cpu-used 8 -lag-in-frames 16 -auto-alt-ref 1 -b:v 2M
make vp9_1080p_10bit.ivf vp9 10 1920 1080 20 -c:v libvpx-vp9 -profile:v 2 -deadline good -cpu-used 8 -b:v 3M
make av1_720p.ivf av1 8 1280 720 20 -c:v libsvtav1 -preset 12

# The NVDEC/NVENC API headers (MIT-licensed, from NVIDIA via libffmpeg-nvenc-dev) for a machine without them.
hdr=.carry/ffnvcodec
rm -rf "$hdr"
mkdir -p "$hdr/include" "$hdr/lib/pkgconfig"
cp -r /usr/include/ffnvcodec "$hdr/include/"
cat > "$hdr/lib/pkgconfig/ffnvcodec.pc" <<PC
prefix=\${pcfiledir}/../..
includedir=\${prefix}/include

Name: ffnvcodec
Description: FFmpeg version of NVIDIA's codec API headers (carried to the GPU machine)
Version: $(pkg-config --modversion ffnvcodec)
Cflags: -I\${includedir}
PC
echo "wrote $dest ($(du -sh "$dest" | cut -f1)) and $hdr"
