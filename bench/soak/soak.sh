#!/bin/bash
# Soak: `nvcast stream` -> `nvcast receive` on loopback for a while, resident memory of both
# sampled every second. Passes when every frame sent was received and written, and neither
# process grew by more than the limit after warm-up (the first quarter of the run).
#   bench/soak/soak.sh [--cli PATH] [--seconds N] [--size WxH] [--out DIR] [--rss-limit-kb K (0 = no check)]
# CI runs 20 s (tests/net, label net); BENCHMARKS.md has the 10-minute run.
set -euo pipefail
cli=${NVCAST_CLI:-build/tools/nvcast}
seconds=600
size=640x360
out=${OUT:-/tmp/nvcast-soak}
rss_limit_kb=${NVCAST_SOAK_RSS_LIMIT_KB:-4096}
while [[ $# -gt 0 ]]; do
    case $1 in
        --cli) cli=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --rss-limit-kb) rss_limit_kb=$2; shift 2 ;;
        *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
frames=$((seconds * 30))

"$cli" -q receive "rtp://127.0.0.1:$port" -c h264 -o "$out/soak.h264" --timeout 3 > "$out/receive.log" 2>&1 &
receiver=$!
sleep 0.5
"$cli" -q stream "synthetic:$size@30:$frames" -c h264 -b x264 --tune ll --preset p1 --threads 1 \
    --to "rtp://127.0.0.1:$port" > "$out/stream.log" 2>&1 &
sender=$!

# 0 when the process is gone or a zombie (whose status has no VmRSS line); such rows are skipped.
rss() { local kb; kb=$(awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null); echo "${kb:-0}"; }
echo "second,stream_rss_kb,receive_rss_kb" > "$out/rss.csv"
t=0
while kill -0 "$sender" 2>/dev/null; do
    echo "$t,$(rss "$sender"),$(rss "$receiver")" >> "$out/rss.csv"
    sleep 1
    t=$((t + 1))
done
wait "$sender" || { echo "soak: stream failed"; cat "$out/stream.log"; exit 1; }
wait "$receiver" || { echo "soak: receive failed"; cat "$out/receive.log"; exit 1; }

sent=$(sed -n 's/^streamed \([0-9]*\) frames.*/\1/p' "$out/stream.log")
written=$(sed -n 's/.* \([0-9]*\) frames written to.*/\1/p' "$out/receive.log")
python3 - "$out/rss.csv" "$rss_limit_kb" "$sent" "$written" "$frames" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if int(r["stream_rss_kb"]) > 0 and int(r["receive_rss_kb"]) > 0]
limit, sent, written, frames = int(sys.argv[2]), int(sys.argv[3] or -1), int(sys.argv[4] or -1), int(sys.argv[5])
ok = sent == frames and written == sent
print(f"frames: {frames} read, {sent} streamed, {written} received and written")
if len(rows) >= 4:
    # Steady state: from the end of warm-up (a quarter in) to 90 % of the run; the end (flush, close,
    # summary) is reported but not judged.
    steady = rows[len(rows) // 4: max(len(rows) // 4 + 1, len(rows) * 9 // 10)]
    warm, end = steady[0], rows[-1]
    for who in ("stream", "receive"):
        a, b = int(warm[f"{who}_rss_kb"]), int(end[f"{who}_rss_kb"])
        peak = max(int(r[f"{who}_rss_kb"]) for r in steady)
        grew = peak - a
        print(f"{who}: RSS {a} kB after warm-up (s {warm['second']}), steady-state peak {peak} kB (+{grew} kB "
              f"to s {steady[-1]['second']}), {b} kB at the end (s {end['second']})")
        if limit and grew > limit:
            print(f"{who}: grew by more than {limit} kB after warm-up")
            ok = False
print("soak: PASS" if ok else "soak: FAIL")
sys.exit(0 if ok else 1)
PY
