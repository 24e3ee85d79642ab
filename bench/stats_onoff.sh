#!/usr/bin/env bash
# bench/stats_onoff.sh [ROUNDS] -- the operator statistics' cost (docs/observability.md):
# `fanout` and `pairs` (bench/run.sh) with actor_stats_ms 1000 (the default: sampling and
# per-command latency on) and 0 (both off), alternating in one session, ROUNDS rounds (3).
# With BASE=/path/to/parley, a build from before the statistics runs in each round too (it
# has no actor_stats_ms flag). Results go to bench/results/actor-stats-<date>/; the summary
# prints medians and ranges. SCENARIOS="pairs" runs one of them only.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
dir="bench/results/actor-stats-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir"
variants=(on off)
[ -n "${BASE:-}" ] && variants+=(base)
for r in $(seq 1 "$rounds"); do
  for scenario in ${SCENARIOS:-fanout pairs}; do
    # the order rotates each round, so that no variant always runs first or last
    n=${#variants[@]}
    for k in $(seq 0 $((n - 1))); do
      v=${variants[$(((k + r) % n))]}
      case "$v" in
        on)   out=$(PARLEY_NODE_ARGS="--actor-stats-ms 1000" bench/run.sh "$scenario" | tail -1) ;;
        off)  out=$(PARLEY_NODE_ARGS="--actor-stats-ms 0" bench/run.sh "$scenario" | tail -1) ;;
        base) out=$(PARLEY="$BASE" bench/run.sh "$scenario" | tail -1) ;;
      esac
      mv "${out%% *}" "$dir/$scenario-$v-$r.json"
      echo "$scenario $v round $r done"
    done
  done
done
python3 - "$dir" <<'PY'
import glob, json, statistics, sys
d = sys.argv[1]
def figures(path):
    j = json.load(open(path))
    m = j["messages"]
    return {"deliveries/s": j["deliveries_per_second"],
            "CPU-s per million": j["server"]["cpu_seconds_per_million_deliveries"],
            "p99 ms": j["latency_ms"]["p99"],
            "lost": m.get("lost", 0) + m.get("gaps", 0) + m.get("duplicate_or_reordered", 0)}
print(f"results in {d}")
for scenario in ("fanout", "pairs"):
    for v in ("on", "off", "base"):
        runs = [figures(p) for p in sorted(glob.glob(f"{d}/{scenario}-{v}-*.json"))]
        if not runs: continue
        parts = []
        for k in ("deliveries/s", "CPU-s per million", "p99 ms"):
            xs = [r[k] for r in runs]
            parts.append(f"{k} {min(xs):.4g}-{max(xs):.4g} (median {statistics.median(xs):.4g})")
        print(f"{scenario:6} {v:4} n={len(runs)}: " + "; ".join(parts) + f"; lost/dup/reordered {sum(r['lost'] for r in runs)}")
PY
