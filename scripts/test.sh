#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is missing, build everything, run every test
# through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
# playwright-core for the browser tests, from the lockfile (no browser download: Debian's chromium)
if [ ! -d tests/webui/node_modules/playwright-core ]; then
  (cd tests/webui && npm ci --no-audit --no-fund --loglevel=error)
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
cd build
ctest --output-on-failure -j2 --timeout 300 "$@"
