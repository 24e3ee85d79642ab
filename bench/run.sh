#!/usr/bin/env bash
# bench/run.sh NAME [parley-bench options...]
# Starts a Release node on loopback, runs one named benchmark, stops the node and stores the
# JSON result in bench/results/NAME-<time>.json. `bench/report` turns the results into
# docs/benchmarks.md. Names and their settings are below; extra options override them.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: bench/run.sh idle|connect|fanout|fanout-100k|fanout-10k|pairs|churn|soak [options]}
shift
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_NODE_TESTS=OFF >/dev/null
cmake --build build --target parley parley-bench >/dev/null
PARLEY=${PARLEY:-build/app/parley}  # PARLEY=/path/to/parley measures another build (e.g. a baseline)
BENCH=build/bench/parley-bench
source bench/lib.sh
warn_if_tracking

node_args=(--max-connections 1000000 --heartbeat-timeout 3600 --login-timeout 600)
case "$name" in
  idle)        node_args+=(--presence-pushes false); args=(--scenario idle --connections 15000 --duration 5) ;;
  connect)     node_args+=(--presence-pushes false); args=(--scenario connect --connections 15000) ;;
  connect-presence) args=(--scenario connect --connections 3000) ;;
  fanout)      args=(--scenario fanout --connections 1000 --senders 10 --window 16 --duration 10 --drain 60) ;;
  fanout-100k) args=(--scenario fanout --connections 1000 --senders 10 --rate 100 --duration 10) ;;
  fanout-10k)  node_args+=(--presence-pushes false); args=(--scenario fanout --connections 10000 --senders 2 --window 8 --processes 2 --duration 10 --drain 60) ;;
  pairs)       node_args+=(--presence-pushes false); args=(--scenario pairs --connections 10000 --rate 20000 --duration 10) ;;
  churn)       node_args+=(--presence-pushes false); args=(--scenario churn --connections 2000 --rate 2000 --churn-rate 500 --duration 10) ;;
  soak)        node_args+=(--presence-pushes false); args=(--scenario soak --connections 10000 --rounds 6 --idle 12) ;;  # idle > jemalloc's 10 s dirty-page decay
  *) echo "unknown benchmark $name" >&2; exit 2 ;;
esac
# PARLEY_NODE_ARGS adds node flags, e.g. PARLEY_NODE_ARGS="--actor-scheduler sharing"
read -r -a extra_node_args <<< "${PARLEY_NODE_ARGS:-}"
node_args+=("${extra_node_args[@]}")
start_node "${node_args[@]}"
trap stop_node EXIT
mkdir -p bench/results
out="bench/results/$name-$(date -u +%Y%m%dT%H%M%SZ).json"
status=0
# The node's /metrics counters before and after the client: what it wrote (payload bytes on
# the wire, frames, compressed frames) over the whole run, logins included.
metrics_before=$(curl -s "http://127.0.0.1:$NODE_PORT/metrics" || true)
"$BENCH" "${args[@]}" --target "127.0.0.1:$NODE_PORT" --server-pid "$NODE_PID" --out "$out" "$@" >/dev/null || status=$?
metrics_after=$(curl -s "http://127.0.0.1:$NODE_PORT/metrics" || true)
python3 - "$out" "$name" "${node_args[*]}" "$metrics_before" "$metrics_after" <<'PY'
import json, re, sys
path, name, node_args, before, after = sys.argv[1:6]
def counters(text):
    return {m[1]: float(m[2]) for m in re.finditer(r"^(parley_gateway_\w+_total) (\S+)$", text, re.M)}
b, a = counters(before), counters(after)
r = json.load(open(path))
r["name"] = name
r["node_args"] = node_args
r["server_counters"] = {k.removeprefix("parley_gateway_"): a[k] - b.get(k, 0) for k in sorted(a)}
json.dump(r, open(path, "w"), indent=2)
PY
echo "$out (parley-bench exit $status)"
exit $status
