#!/usr/bin/env bash
# README command 1: install what is missing, build in Release, start one node with the web
# UI on 127.0.0.1:8080 (no Redis needed). Extra arguments go to `parley` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_NODE_TESTS=OFF >/dev/null
cmake --build build --target parley parley-admin
exec build/app/parley "$@"
