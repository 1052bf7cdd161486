#!/bin/bash
# Packs Debian's libx264 (shared library, headers, a pkg-config file) into .carry/x264, a
# git-ignored folder that travels to the GPU machine, whose image has no x264: there
# PKG_CONFIG_PATH=$PWD/.carry/x264/lib/pkgconfig lets nvcast's x264 backend build, and
# LD_LIBRARY_PATH=$PWD/.carry/x264/lib lets it run. Needs libx264-dev here (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=.carry/x264
rm -rf "$dest"
mkdir -p "$dest/include" "$dest/lib/pkgconfig"
cp /usr/include/x264.h /usr/include/x264_config.h "$dest/include/"
cp -L /usr/lib/x86_64-linux-gnu/libx264.so.164 "$dest/lib/"
ln -s libx264.so.164 "$dest/lib/libx264.so"
version=$(pkg-config --modversion x264)
cat > "$dest/lib/pkgconfig/x264.pc" <<PC
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: x264
Description: H.264 (MPEG4 AVC) encoder library (Debian's, carried to the GPU machine)
Version: $version
Libs: -L\${libdir} -lx264
Cflags: -I\${includedir}
PC
echo "packed x264 $version into $dest"
