# Shared by bench/run.sh and bench/smoke.sh: start and stop a parley node on a free port.
# start_node ARGS... sets NODE_PID and NODE_PORT; stop_node sends SIGTERM and waits.
# Benchmarks measure the node, not its abuse limits (the per-connection frame rate and the
# per-address upgrade caps, on by default), so they are turned off where the binary has them
# (a baseline build from before them does not).
no_frame_limit() {
  local help
  help=$("$1" --help 2>/dev/null || true)
  if grep -q -- '--frame-rate' <<<"$help"; then echo --frame-rate 0; fi
  if grep -q -- '--max-anonymous-per-address' <<<"$help"; then
    echo --max-anonymous-per-address 0 --upgrades-per-address-per-second 0
  fi
}

start_node() {
  local log
  log=$(mktemp)
  NODE_LOG=$log
  (ulimit -n 20000 2>/dev/null || true; exec "$PARLEY" --listen 127.0.0.1:0 --log-level warn $(no_frame_limit "$PARLEY") "$@") 2>"$log" &
  NODE_PID=$!
  # the node logs at warn level; the port comes from the state route, probed on the pid's socket
  for _ in $(seq 1 200); do
    NODE_PORT=$(ss -ltnpH 2>/dev/null | awk -v pid="pid=$NODE_PID," '$0 ~ pid {split($4, a, ":"); print a[length(a)]; exit}')
    [ -n "$NODE_PORT" ] && return 0
    sleep 0.05
  done
  echo "node did not start:" >&2
  cat "$log" >&2
  return 1
}

stop_node() {
  kill -TERM "$NODE_PID" 2>/dev/null || true
  wait "$NODE_PID" 2>/dev/null || true
  rm -f "$NODE_LOG"
}

# Warns when the firewall tracks connections: NAT rules (netavark leaves them behind after
# containers, tests/deploy/containers.test.mjs removes them) turn on connection tracking for
# loopback too, and connection rates on our machines fell to a third with them.
warn_if_tracking() {
  local rules="" count=0
  if command -v nft >/dev/null; then rules=$(nft list ruleset 2>/dev/null | grep -E 'type nat|ct state' || true)
  elif command -v iptables-save >/dev/null; then rules=$(iptables-save -t nat 2>/dev/null | grep '^-A' || true); fi
  [ -r /proc/sys/net/netfilter/nf_conntrack_count ] && count=$(cat /proc/sys/net/netfilter/nf_conntrack_count)
  if [ -n "$rules" ]; then
    echo "bench: WARNING: NAT or conntrack rules are loaded (nft list ruleset); connection tracking is on for" \
         "loopback and the figures will be low. Left by containers? Remove them first." >&2
  elif [ "$count" -gt 1000 ]; then
    echo "bench: WARNING: $count connections are tracked (nf_conntrack_count): tracking was on recently" >&2
  fi
}
