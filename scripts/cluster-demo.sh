#!/usr/bin/env bash
# The compose demo's topology on loopback, with local processes: one redis-server, N parley
# nodes (parley1..parleyN) and nginx in front (deploy/nginx.conf, its node list rewritten).
# Prints the URL, then runs until Ctrl-C (or SIGTERM), which stops everything it started, by
# PID, and removes its scratch directory.
#
#   scripts/cluster-demo.sh [--nodes N] [--port P] [--binary PATH] [-- EXTRA PARLEY FLAGS]
#
# --nodes: how many nodes (default 3); --port: nginx's port on 127.0.0.1 (default 8080);
# --binary: the parley to run (default build/app/parley, built first if missing). Flags after
# `--` go to every node. Every other port is a free one. The script needs redis-server and
# nginx (installed if missing, like scripts/start.sh installs the build's packages).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

nodes=3
port=8080
binary=build/app/parley
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster-demo: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$nodes" in ''|*[!0-9]*) echo "cluster-demo: --nodes takes a number" >&2; exit 2 ;; esac
[ "$nodes" -ge 1 ] && [ "$nodes" -le 32 ] || { echo "cluster-demo: --nodes must be 1 to 32" >&2; exit 2; }

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v curl >/dev/null || missing+=(curl)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "cluster-demo: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  # Debian's nginx package starts the system's nginx on port 80; the demo runs its own.
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$binary" ]; then
  scripts/install-deps.sh
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_NODE_TESTS=OFF >/dev/null
  cmake --build build --target parley
fi
binary=$(realpath "$binary")

dir=$(mktemp -d /tmp/parley-demo.XXXXXX)
pids=()
stop() {
  trap - INT TERM EXIT
  # nginx first (no new connections), then the nodes (they close theirs with 1001), Redis last
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
  echo "cluster-demo: stopped" >&2
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

# A free TCP port on 127.0.0.1 below the ephemeral range (a port from inside it could be taken
# as the source port of an outgoing connection before its server binds it).
taken=" "
free_port() {
  local low high p
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  high=$((low - 1))
  for _ in $(seq 200); do
    p=$((high - 10000 + RANDOM % 10000))
    case "$taken" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      taken="$taken$p "
      echo "$p"
      return
    fi
  done
  echo "cluster-demo: no free port" >&2
  return 1
}

wait_http() {  # URL WHAT PID: until URL answers 200, or the process is gone, or 20 s
  for _ in $(seq 200); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "cluster-demo: $2 exited; its log:" >&2; cat "$dir/$2.log" >&2; return 1; }
    sleep 0.1
  done
  echo "cluster-demo: $2 did not answer $1 in 20 s; its log:" >&2
  cat "$dir/$2.log" >&2
  return 1
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
  --protected-mode no >"$dir/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  grep -q "Ready to accept connections" "$dir/redis.log" && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$dir/redis.log" >&2; exit 1; }
  sleep 0.1
done
echo "cluster-demo: redis-server on 127.0.0.1:$redis_port (pid ${pids[0]})"

secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
addresses=()
for i in $(seq "$nodes"); do
  http=$(free_port)
  grpc=$(free_port)
  # nginx connects from 127.0.0.1: its X-Forwarded-For names the browser
  "$binary" --node-id "parley$i" --listen "127.0.0.1:$http" --redis "127.0.0.1:$redis_port" \
    --grpc-listen "127.0.0.1:$grpc" --cluster-secret "$secret" --trusted-proxies 127.0.0.1 \
    --webui-dir "$repo/webui" "${extra[@]}" >"$dir/parley$i.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$http/system/state" "parley$i" "$!"
  addresses+=("127.0.0.1:$http")
  echo "cluster-demo: parley$i on 127.0.0.1:$http (gRPC 127.0.0.1:$grpc, pid $!)"
done

# deploy/nginx.conf with this run's nodes, port, pid file and logs.
mkdir -p "$dir/nginx"
scripts/nginx-conf.sh --port "$port" --dir "$dir/nginx" "${addresses[@]}" >"$dir/nginx.conf"
"$nginx_bin" -p "$dir/nginx" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/nginx.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$port/system/state" nginx "$!"
echo "cluster-demo: nginx on 127.0.0.1:$port (pid $!)"

cat <<EOF
cluster-demo: $nodes nodes behind nginx. Open http://127.0.0.1:$port/ in two browsers and chat;
  the console is http://127.0.0.1:$port/console, a node's own figures
  http://127.0.0.1:$port/node/parley1/system/state. Logs: $dir. Ctrl-C stops everything.
EOF
[ -n "${PARLEY_DEMO_READY:-}" ] && echo "$dir" >"$PARLEY_DEMO_READY"
# Until a signal, or until any process of the demo exits on its own (then stop the rest).
wait -n "${pids[@]}" || true
echo "cluster-demo: a process exited on its own; stopping the rest (logs were in $dir)" >&2
for f in "$dir"/*.log; do echo "--- $f" >&2; tail -5 "$f" >&2; done
exit 1
