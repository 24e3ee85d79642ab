#!/usr/bin/env bash
# bench/deflate.sh [ROUNDS] -- permessage-deflate on and off (docs/benchmarks.md): `fanout`
# (bench/run.sh: 1,000 members, 10 senders) as fast as acknowledged ("max") and at a fixed
# 100 messages/s, 100,000 deliveries/s ("100k"), with chat-like text of ~100 bytes and ~2 KB
# (--text words). At max rate the client, which inflates every delivery on the same two
# cores, is the limit with compression on; the fixed rate compares the node's CPU at equal work. Every client offers the extension, as browsers do;
# "on" is a node started with --permessage-deflate, "off" one without it. The order rotates
# each round. Prints, per size and mode, the medians and ranges of deliveries/s, server CPU-s
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
import glob, json, statistics, sys
d = sys.argv[1]
def figures(path):
    j = json.load(open(path))
    m = j["messages"]
    c = j["server_counters"]
    deliveries = m["deliveries"]
    return {"deliveries/s": j["deliveries_per_second"],
            "CPU-s per million": j["server"]["cpu_seconds_per_million_deliveries"],
            "bytes per delivery": c["bytes_out_total"] / deliveries,
            "compressed share": c.get("frames_deflated_total", 0) / c["frames_out_total"],
            "p99 ms": j["latency_ms"]["p99"],
            "lost": m.get("lost", 0) + m.get("gaps", 0) + m.get("duplicate_or_reordered", 0)}
print(f"results in {d}")
for rate in ("max", "100k"):
  for size in (100, 2000):
    for v in ("off", "on"):
        runs = [figures(p) for p in sorted(glob.glob(f"{d}/fanout-{rate}-{size}-{v}-*.json"))]
        if not runs: continue
        parts = []
        for k in ("deliveries/s", "CPU-s per million", "bytes per delivery", "compressed share", "p99 ms"):
            xs = [r[k] for r in runs]
            parts.append(f"{k} {statistics.median(xs):.4g} ({min(xs):.4g}-{max(xs):.4g})")
        print(f"{rate:4} {size:5} B {v:3} n={len(runs)}: " + "; ".join(parts) + f"; lost/dup/reordered {sum(r['lost'] for r in runs)}")
PY
