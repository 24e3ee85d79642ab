#!/usr/bin/env bash
# bench/deflate.sh [ROUNDS] -- permessage-deflate on and off (docs/benchmarks.md): `fanout`
# (bench/run.sh: 1,000 members, 10 senders) as fast as acknowledged ("max") and at a fixed
# 100 messages/s, 100,000 deliveries/s ("100k"), with chat-like text of ~100 bytes and ~2 KB
# (--text words). At max rate the client, which inflates every delivery on the same two
# cores, is the limit with compression on; the fixed rate compares the node's CPU at equal work. Every client offers the extension, as browsers do;
# "on" is a node started with --permessage-deflate, "off" one without it. The order rotates
# each round. Prints, per size and mode, the ranges and medians of deliveries/s, server CPU-s
# per million deliveries and payload bytes the node wrote per delivery (/metrics
# parley_gateway_bytes_out_total over the run, divided by the deliveries). Results go to
# bench/results/deflate-<date>/.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
dir="bench/results/deflate-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir"
variants=(on off)
for r in $(seq 1 "$rounds"); do
  for rate in max 100k; do
    rate_args=()
    [ "$rate" = 100k ] && rate_args=(--rate 100)
    for size in 100 2000; do
      for k in 0 1; do
        v=${variants[$(((k + r) % 2))]}
        node_args=""
        [ "$v" = on ] && node_args="--permessage-deflate"
        out=$(PARLEY_NODE_ARGS="$node_args" bench/run.sh fanout --payload "$size" --text words --deflate on \
                --duration 5 "${rate_args[@]}" | tail -1)
        mv "${out%% *}" "$dir/fanout-$rate-$size-$v-$r.json"
        echo "$rate size $size $v round $r done"
      done
    done
  done
done
python3 - "$dir" <<'PY'
import sys
sys.path.insert(0, "bench")
from summary import print_line
d = sys.argv[1]
print(f"results in {d}")
for rate in ("max", "100k"):
    for size in (100, 2000):
        for v in ("off", "on"):
            print_line(f"{rate:4} {size:5} B {v:3}", f"{d}/fanout-{rate}-{size}-{v}-*.json",
                       ("deliveries/s", "CPU-s per million", "bytes per delivery", "compressed share", "p99 ms"))
PY
