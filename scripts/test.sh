#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is missing, build everything, run every test
# through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
cd build
ctest --output-on-failure -j2 --timeout 300 "$@"
