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
import sys
sys.path.insert(0, "bench")
from summary import print_line
d = sys.argv[1]
print(f"results in {d}")
for scenario in ("fanout", "pairs"):
    for v in ("on", "off", "base"):
        print_line(f"{scenario:6} {v:4}", f"{d}/{scenario}-{v}-*.json", ("deliveries/s", "CPU-s per million", "p99 ms"))
PY
