#!/usr/bin/env bash
# bench/abuse.sh [ROUNDS]: what one flooding client costs everybody else. One node with the
# default frame limit (50 frames/s, burst 100, close after 200 refusals); 1,000 clients in 500
# pairs send 10,000 messages/s in all (20/s each, inside the limit) for 10 s, measured by
# parley-bench. Each round runs that once quiet and once beside bench/flood.mjs, a client
# that logs in, writes 100,000 frames, is closed, and starts over for the whole run. The
# security issue's bar: the others' p99 moves by less than 20 %. Results go to
# bench/results/abuse-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_NODE_TESTS=OFF >/dev/null
cmake --build build --target parley parley-bench >/dev/null
PARLEY=${PARLEY:-build/app/parley}
BENCH=build/bench/parley-bench
source bench/lib.sh
out="bench/results/abuse-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
# lib.sh turns the limits off for benchmarks; this one is about them, so the frame limit is
# set back to its defaults (later flags win). The per-address caps stay off: the 1,000
# measured clients come from 8 addresses at once.
start_node --presence-pushes false --max-connections 100000 --frame-rate 50 --frame-burst 100 --frame-strikes 200
trap stop_node EXIT
pairs=(--scenario pairs --connections 1000 --rate 10000 --duration 10 --target "127.0.0.1:$NODE_PORT" --server-pid "$NODE_PID")
for r in $(seq 1 "$rounds"); do
  "$BENCH" "${pairs[@]}" --out "$out/quiet-$r.json" >/dev/null
  node bench/flood.mjs --url "ws://127.0.0.1:$NODE_PORT/acc" --seconds 14 > "$out/flooder-$r.json" &
  flooder=$!
  sleep 1
  "$BENCH" "${pairs[@]}" --out "$out/flood-$r.json" >/dev/null
  wait "$flooder"
done
python3 - "$out" "$rounds" <<'PY'
import json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def lat(path):
    r = json.load(open(path))
    return r["latency_ms"], r
print(f"| round | run | p50 ms | p99 ms | max ms | delivered | lost | flooder |")
print(f"| --- | --- | --- | --- | --- | --- | --- | --- |")
for i in range(1, rounds + 1):
    for kind in ("quiet", "flood"):
        l, r = lat(f"{out}/{kind}-{i}.json")
        fl = ""
        if kind == "flood":
            f = json.load(open(f"{out}/flooder-{i}.json"))
            fl = f"{f['rounds']} rounds, {f['framesWritten']} frames written, {f['limited']} x 1011 seen, closes {f['closes']}"
        m = r["messages"]
        print(f"| {i} | {kind} | {l['p50']:.2f} | {l['p99']:.2f} | {l['max']:.2f} | {m['deliveries']} | {m['lost']} | {fl} |")
PY
echo "results in $out"
