#!/usr/bin/env bash
# bench/smoke.sh PARLEY PARLEY_BENCH: a few seconds of every scenario against a real node,
# run by CTest so the tool cannot rot. Any loss, duplicate, reorder or failure fails it.
set -euo pipefail
PARLEY=$1
BENCH=$2
source "$(dirname "$0")/lib.sh"
start_node --heartbeat-timeout 600
trap stop_node EXIT
t="127.0.0.1:$NODE_PORT"
run() { echo "== $*"; "$BENCH" --target "$t" --server-pid "$NODE_PID" --quiet "$@" > /dev/null; }
run --scenario idle --connections 200 --duration 1
run --scenario connect --connections 500
run --scenario fanout --connections 100 --senders 2 --duration 1
run --scenario fanout --connections 100 --senders 2 --rate 200 --duration 1
run --scenario pairs --connections 200 --rate 1000 --duration 1
run --scenario pairs --connections 400 --rate 1000 --duration 1 --processes 2 --sources 127.0.0.2,127.0.0.3
run --scenario churn --connections 100 --rate 200 --churn-rate 50 --duration 1
echo "bench smoke: 7 passed, 0 failed"
