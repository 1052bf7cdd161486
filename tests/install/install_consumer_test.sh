#!/usr/bin/env bash
# install_consumer_test.sh BUILD_DIR CONSUMER_SRC WORK_DIR [EXTRA_CXXFLAGS]
# EXTRA_CXXFLAGS: the sanitizer flags when the installed library was built with them.
set -euo pipefail
build=$1 src=$2 work=$3 extra=${4:-}
rm -rf "$work" && mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
test -x "$prefix/bin/nvcast" || { echo "nvcast CLI not installed"; exit 1; }
test -f "$prefix/include/nvcast/nvcast.h" || { echo "headers not installed"; exit 1; }
libdir=$(dirname "$(find "$prefix" -name 'libnvcast.so*' | head -1)")

# 1. CMake package
cmake -S "$src" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_FLAGS="$extra" > "$work/configure.log"
cmake --build "$work/cmake-build" > "$work/build.log"
LD_LIBRARY_PATH=$libdir "$work/cmake-build/consumer"

# 2. pkg-config
PKG_CONFIG_PATH=$libdir/pkgconfig c++ -std=c++20 $extra "$src/main.cc" -o "$work/consumer-pc" \
    $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs nvcast)
LD_LIBRARY_PATH=$libdir "$work/consumer-pc"
LD_LIBRARY_PATH=$libdir "$prefix/bin/nvcast" --version
# 3. The Python module, where Debian's python3 looks under the prefix (none in sanitizer builds).
module=$(find "$prefix" -name 'nvcast.cpython-*.so' | head -1)
if [ -n "$module" ]; then
    PYTHONPATH=$(dirname "$module") /usr/bin/python3 -c 'import nvcast; assert nvcast.probe()["backends"]; print("python module", nvcast.__version__)'
fi
echo "install consumer test passed"
