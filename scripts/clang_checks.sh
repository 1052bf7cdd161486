#!/usr/bin/env bash
# The clang half of CI: builds the library, the CLI and the fuzzers with clang (-Werror, the whole
# library instrumented for libFuzzer + ASan + UBSan), re-checks every source against libc++'s
# headers (stricter about missing includes than libstdc++), then runs each fuzzer for a bounded
# time from its committed seed corpus. Any crash fails the run and leaves its input in build-fuzz/.
#   scripts/clang_checks.sh [seconds per fuzzer, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${NVCAST_FUZZ_SECONDS:-20}}
jobs=$(nproc)

mkdir -p build-fuzz
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNVCAST_WERROR=ON -DNVCAST_ENABLE_CUDA=OFF -DNVCAST_BUILD_BENCH=OFF \
      -DNVCAST_SHARED=OFF -DNVCAST_TEST_AREAS=fuzz -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
      -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" > build-fuzz/configure.log 2>&1 ||
    { tail -30 build-fuzz/configure.log; exit 1; }
cmake --build build-fuzz -j"$jobs"

echo "== every source against libc++ (strict includes)"
python3 - "$jobs" <<'PY'
import json, shlex, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
entries = [e for e in json.load(open("build-fuzz/compile_commands.json")) if e["file"].endswith(".cc")]
def check(e):
    args = shlex.split(e["command"])
    out, skip = [], False
    for a in args:
        if skip: skip = False; continue
        if a == "-o": skip = True; continue
        if a.startswith("-fsanitize"): continue
        out.append(a)
    out += ["-stdlib=libc++", "-fsyntax-only"]
    r = subprocess.run(out, cwd=e["directory"], capture_output=True, text=True)
    return e["file"], r.returncode, r.stderr
failed = 0
with ThreadPoolExecutor(int(sys.argv[1])) as pool:
    for f, rc, err in pool.map(check, entries):
        if rc:
            failed += 1
            print(f"FAILED {f}\n{err[:3000]}")
print(f"libc++ include check: {len(entries) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY

echo "== fuzzers, ${seconds} s each"
for fuzzer in build-fuzz/tests/fuzz/*_fuzz; do
    name=$(basename "$fuzzer")
    corpus=$(mktemp -d)
    cp -r "tests/fuzz/corpus/$name/." "$corpus/" 2>/dev/null || true
    ( cd build-fuzz && "../$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
          "$corpus" > "$name.log" 2>&1 ) || { echo "FAILED $name"; tail -40 "build-fuzz/$name.log"; exit 1; }
    echo "$name: $(grep -E 'stat::number_of_executed_units' "build-fuzz/$name.log" | awk '{print $2}') runs, no crash"
    rm -rf "$corpus"
done
