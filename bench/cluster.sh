#!/usr/bin/env bash
# bench/cluster.sh pairs|fanout|churn|connect NODES [parley-bench options...]
# A loopback cluster benchmark: one redis-server and NODES parley nodes (NODES=1 runs a
# single node *without* Redis, the comparison point), parley-bench with its senders on the
# first node and its receivers spread over the others (--receive-target). Adds to the JSON
# result the CPU seconds of every node and Redis' commandstats for the run (reset before
# it) and CPU seconds for the run, and stores it in bench/results/cluster-<scenario>-<N>n-<time>.json.
#   pairs:  10,000 connections, 20,000 msg/s, senders on node 1, receivers on node 2
#   fanout: one 3,000-member group (10 senders on node 1, members spread over every node)
#   churn:  2,000 connections in pairs at 2,000 msg/s (receivers on the other nodes) while
#           500 connections a second open, log in and close on node 1; zero loss required
#   connect: 10,000 connections open and log in on node 1 as fast as they are answered
# STORE=redis runs the nodes with --store redis (messages in Redis Streams, docs/storage.md)
# and Redis with its append-only file on (appendfsync everysec, Redis' own default for AOF);
# otherwise the nodes keep the memory store. The result records which.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:?usage: bench/cluster.sh pairs|fanout|churn|connect NODES [options]}
nodes=${2:?usage: bench/cluster.sh pairs|fanout|churn|connect NODES [options]}
shift 2
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_NODE_TESTS=OFF >/dev/null
cmake --build build --target parley parley-bench >/dev/null
PARLEY=${PARLEY:-build/app/parley}
BENCH=build/bench/parley-bench

source bench/lib.sh
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$workdir"
}
workdir=$(mktemp -d)
trap cleanup EXIT

STORE=${STORE:-memory}
store_args=(); aof=(--appendonly no)
if [ "$STORE" = redis ]; then
  [ "$nodes" -gt 1 ] || { echo "STORE=redis needs NODES > 1 (a cluster)" >&2; exit 2; }
  store_args=(--store redis); aof=(--appendonly yes --appendfsync everysec)
fi
redis_port=$(free_port)
cluster_args=()
if [ "$nodes" -gt 1 ]; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' "${aof[@]}" --dir "$workdir" \
    --protected-mode no >"$workdir/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  cluster_args=(--redis "127.0.0.1:$redis_port")
fi

ports=(); node_pids=()
for i in $(seq 1 "$nodes"); do
  port=$(free_port); grpc=$(free_port)
  extra=()
  [ "$nodes" -gt 1 ] && extra=("${cluster_args[@]}" --node-id "b$i" --grpc-listen "127.0.0.1:$grpc")
  (ulimit -n 20000 2>/dev/null || true
   exec "$PARLEY" --listen "127.0.0.1:$port" --log-level warn --max-connections 1000000 \
     --heartbeat-timeout 3600 --login-timeout 600 --presence-pushes false $(no_frame_limit "$PARLEY") "${extra[@]}" "${store_args[@]}") \
     2>"$workdir/node$i.log" &
  node_pids+=($!); pids+=($!); ports+=("$port")
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/system/state" >/dev/null && break; sleep 0.05; done
done
if [ "$nodes" -gt 1 ]; then
  for _ in $(seq 1 100); do
    live=$(curl -sf "http://127.0.0.1:${ports[0]}/system/state" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["cluster"]["liveNodes"])')
    [ "$live" = "$nodes" ] && break; sleep 0.1
  done
  redis-cli -p "$redis_port" config resetstat >/dev/null
fi
redis_cpu() { redis-cli -p "$redis_port" info cpu | awk -F: '/^used_cpu_(sys|user):/{s += $2} END {printf "%.3f", s}'; }
redis_cpu_before=0
[ "$nodes" -gt 1 ] && redis_cpu_before=$(redis_cpu)
used_before=0
[ "$nodes" -gt 1 ] && used_before=$(redis-cli -p "$redis_port" info memory | awk -F: '/^used_memory:/{print $2+0}')

targets=()
for port in "${ports[@]:1}"; do targets+=("127.0.0.1:$port"); done
[ ${#targets[@]} -eq 0 ] && targets=("127.0.0.1:${ports[0]}")
case "$scenario" in
  pairs)  args=(--scenario pairs --connections 10000 --rate 20000 --duration 10)
          receive=$(IFS=,; echo "${targets[*]}") ;;
  fanout) args=(--scenario fanout --connections 3000 --senders 10 --window 16 --duration 10 --drain 60)
          all=(); for port in "${ports[@]}"; do all+=("127.0.0.1:$port"); done
          receive=$(IFS=,; echo "${all[*]}") ;;
  churn)  args=(--scenario churn --connections 2000 --rate 2000 --churn-rate 500 --duration 10)
          receive=$(IFS=,; echo "${targets[*]}") ;;
  connect) args=(--scenario connect --connections 10000)
          receive="127.0.0.1:${ports[0]}" ;;
  *) echo "unknown scenario $scenario" >&2; exit 2 ;;
esac

before=(); for p in "${node_pids[@]}"; do before+=("$(cpu_ticks "$p")"); done
mkdir -p bench/results
tag=""; [ "$STORE" = redis ] && tag="-redisstore"
out="bench/results/cluster-$scenario-${nodes}n$tag-$(date -u +%Y%m%dT%H%M%SZ).json"
status=0
"$BENCH" "${args[@]}" --target "127.0.0.1:${ports[0]}" --receive-target "$receive" \
  --server-pid "${node_pids[0]}" --out "$out" --quiet "$@" >/dev/null || status=$?
after=(); for p in "${node_pids[@]}"; do after+=("$(cpu_ticks "$p")"); done
stats=""; redis_cpu_used=0
if [ "$nodes" -gt 1 ]; then
  stats=$(redis-cli -p "$redis_port" info commandstats)
  redis_cpu_used=$(python3 -c "print(round($(redis_cpu) - $redis_cpu_before, 3))")
fi
# STORE=redis: Redis' memory for what was stored (used_memory, less what it used before the
# run's first message was stored: the registry and directory) and how many entries it holds.
stored='{}'
if [ "$STORE" = redis ]; then
  entries=0
  while read -r key; do
    [ -n "$key" ] && entries=$((entries + $(redis-cli -p "$redis_port" xlen "$key")))
  done < <(redis-cli -p "$redis_port" --scan --pattern 'parley:c:*')
  used=$(redis-cli -p "$redis_port" info memory | awk -F: '/^used_memory:/{print $2+0}')
  streams=$(redis-cli -p "$redis_port" --scan --pattern 'parley:c:*' | wc -l)
  stored="{\"entries\": $entries, \"streams\": $streams, \"used_memory\": $used, \"used_memory_before\": $used_before}"
fi
python3 - "$out" "$scenario" "$nodes" "${before[*]}" "${after[*]}" "$(getconf CLK_TCK)" "$stats" "$STORE" "$stored" "$redis_cpu_used" <<'PY'
import json, sys
path, scenario, nodes, before, after, hz, stats, store, stored, redis_cpu = sys.argv[1:11]
r = json.load(open(path))
cpu = [(int(a) - int(b)) / int(hz) for a, b in zip(after.split(), before.split())]
r["name"] = f"cluster-{scenario}-{nodes}n"
r["cluster"] = {"nodes": int(nodes), "store": store, "node_cpu_seconds": cpu, "cpu_seconds": sum(cpu),
                "redis_cpu_seconds": float(redis_cpu)}
deliveries = r.get("messages", {}).get("deliveries") or 0
if deliveries:
    r["cluster"]["cpu_seconds_per_million_deliveries"] = sum(cpu) / deliveries * 1e6
calls = {}
for line in stats.splitlines():
    if line.startswith("cmdstat_"):
        name, rest = line[8:].split(":", 1)
        calls[name] = int(dict(kv.split("=") for kv in rest.split(","))["calls"])
r["cluster"]["redis_calls"] = calls
stored = json.loads(stored)
if stored.get("entries"):
    stored["bytes_per_entry"] = (stored["used_memory"] - stored["used_memory_before"]) / stored["entries"]
    r["cluster"]["stored"] = stored
json.dump(r, open(path, "w"), indent=2)
print(json.dumps({"out": path, "p99_ms": r["latency_ms"]["p99"], "deliveries_per_second": r["deliveries_per_second"],
                  "errors": r["errors"], "messages": r.get("messages"), "cluster": r["cluster"]}, indent=1))
PY
exit $status
