#!/usr/bin/env bash
# Runs one browser case in Debian's Chromium — h264, av1, loss: whep_browser_test.js; janus:
# janus_browser_test.js — installing playwright-core (no browser download) into OUT_DIR on first
# use. Screenshots of the player stay in OUT_DIR as artefacts.
#   run_browser_test.sh NVCAST_EXE OUT_DIR CASE
set -euo pipefail
nvcast=$1 out=$2 case=$3
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "node is missing (scripts/setup.sh installs it)"; exit 1; }
[ -x "${NVCAST_CHROMIUM:-/usr/bin/chromium}" ] || { echo "chromium is missing (scripts/setup.sh installs it)"; exit 1; }
mkdir -p "$out"
# One install for all cases (flock: CTest may start them together).
(
  flock 9
  if [ ! -d "$out/node_modules/playwright-core" ]; then
    cd "$out"
    [ -f package.json ] || echo '{"private": true}' > package.json
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent playwright-core@1 >/dev/null
  fi
) 9>"$out/.install.lock"
if [ "$case" = janus ]; then
  command -v janus >/dev/null || { echo "janus is missing (scripts/setup.sh installs it)"; exit 1; }
  NODE_PATH="$out/node_modules" node "$here/janus_browser_test.js" "$nvcast" "$out" | tee "$out/$case.json"
else
  NODE_PATH="$out/node_modules" node "$here/whep_browser_test.js" "$nvcast" "$out" "$case" | tee "$out/$case.json"
fi
