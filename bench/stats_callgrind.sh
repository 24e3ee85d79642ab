#!/usr/bin/env bash
# bench/stats_callgrind.sh -- the operator statistics' cost in instructions, which (unlike
# seconds) repeat on this noisy host: a small fan-out (100 members, 20 messages/s for 10 s)
# against the node under valgrind's callgrind, with actor_stats_ms 1000 and 0, and with
# BASE=/path/to/parley (a build from before the statistics) if given. VARIANTS and LOAD
# (below) measure other settings and other loads the same way. Prints instructions per
# delivery for each (startup included: the same for every variant, so the differences are
# the per-message costs).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target parley parley-bench >/dev/null
source bench/lib.sh
dir=$(mktemp -d)
# LOAD: the client's scenario (default: the 100-member fan-out); e.g. private pairs with
# LOAD="--scenario pairs --connections 200 --rate 200 --duration 10"
LOAD=${LOAD:---scenario fanout --connections 100 --senders 1 --rate 20 --duration 10 --drain 60}
run() {  # NAME BINARY NODE-FLAGS...
  local name=$1 bin=$2
  shift 2
  cat >"$dir/$name.sh" <<SH
#!/bin/sh
exec valgrind --tool=callgrind --callgrind-out-file=$dir/$name.out "$bin" "\$@" $*
SH
  chmod +x "$dir/$name.sh"
  PARLEY="$dir/$name.sh" start_node --presence-pushes false
  # shellcheck disable=SC2086  # LOAD is a list of options
  build/bench/parley-bench $LOAD --target "127.0.0.1:$NODE_PORT" --out "$dir/$name.json" >/dev/null
  stop_node
  python3 - "$dir/$name.out" "$dir/$name.json" "$name" <<'PY'
import json, re, sys
out, res, name = sys.argv[1:4]
ir = next(int(m.group(1)) for line in open(out) if (m := re.match(r"summary: (\d+)", line)))
d = json.load(open(res))["messages"]["deliveries"]
print(f"{name:5} {ir:>14,d} instructions, {d:,d} deliveries: {ir / d:,.0f} per delivery")
PY
}
if [ -n "${VARIANTS:-}" ]; then
  # VARIANTS="name=node flags;name=node flags": other settings of this build compared the
  # same way, e.g. VARIANTS="store=--store memory;nostore=--store off"
  IFS=';' read -r -a variants <<< "$VARIANTS"
  for v in "${variants[@]}"; do
    # shellcheck disable=SC2086  # the flags are a list
    run "${v%%=*}" build/app/parley ${v#*=}
  done
else
  run on build/app/parley --actor-stats-ms 1000
  run off build/app/parley --actor-stats-ms 0
fi
[ -n "${BASE:-}" ] && run base "$BASE"
rm -rf "$dir"
