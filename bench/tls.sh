#!/usr/bin/env bash
# bench/tls.sh [CONNECTIONS]: TLS next to plain TCP on the same node build. For each of
# ws:// and wss:// (a node started with a certificate made here), bench/tls_clients.mjs opens
# CONNECTIONS (default 5,000) logged-in connections and reports the rate, the server's CPU per
# connection and its idle RSS per connection. Then `openssl s_time -new` measures full TLS
# handshakes per second against the TLS node, with the server's CPU per handshake. Results
# go to bench/results/tls-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-5000}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_NODE_TESTS=OFF >/dev/null
cmake --build build --target parley >/dev/null
PARLEY=${PARLEY:-build/app/parley}
source bench/lib.sh
out="bench/results/tls-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
certs=$(mktemp -d)
trap 'rm -rf "$certs"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$certs/ca.key" \
  -out "$certs/ca.pem" -days 2 -subj /CN=bench-ca 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$certs/key.pem" \
  -out "$certs/csr.pem" -subj /CN=127.0.0.1 2>/dev/null
echo "subjectAltName=IP:127.0.0.1" > "$certs/san.ext"
openssl x509 -req -in "$certs/csr.pem" -CA "$certs/ca.pem" -CAkey "$certs/ca.key" -CAcreateserial \
  -days 2 -out "$certs/cert.pem" -extfile "$certs/san.ext" 2>/dev/null
cpu_of() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }

node_args=(--presence-pushes false --max-connections 100000 --login-timeout 600)
start_node "${node_args[@]}"
node bench/tls_clients.mjs --url "ws://127.0.0.1:$NODE_PORT/acc" --connections "$connections" \
  --pid "$NODE_PID" | tee "$out/plain.json"
stop_node

start_node "${node_args[@]}" --tls-cert "$certs/cert.pem" --tls-key "$certs/key.pem"
node bench/tls_clients.mjs --url "wss://127.0.0.1:$NODE_PORT/acc" --connections "$connections" \
  --pid "$NODE_PID" --ca "$certs/ca.pem" | tee "$out/tls.json"
before=$(cpu_of "$NODE_PID")
openssl s_time -connect "127.0.0.1:$NODE_PORT" -new -time 10 -CAfile "$certs/ca.pem" 2>&1 \
  | tee "$out/s_time.txt" | grep -E "connections in|connections/user" || true
after=$(cpu_of "$NODE_PID")
stop_node
python3 - "$out" "$before" "$after" <<'PY'
import json, re, sys
out, before, after = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
text = open(f"{out}/s_time.txt").read()
m = re.search(r"(\d+) connections in (\d+) real seconds", text)
n, secs = (int(m.group(1)), int(m.group(2))) if m else (0, 1)
cpu = after - before
summary = {"handshakes": n, "seconds": secs, "per_second": n / secs,
           "server_cpu_seconds": cpu, "server_cpu_us_per_handshake": cpu * 1e6 / n if n else None}
json.dump(summary, open(f"{out}/s_time.json", "w"), indent=2)
plain, tls = (json.load(open(f"{out}/{k}.json")) for k in ("plain", "tls"))
print("| | connections | failed | logged in per s | server CPU µs per connection | idle RSS KiB per connection |")
print("| --- | --- | --- | --- | --- | --- |")
for name, r in (("ws://", plain), ("wss://", tls)):
    print(f"| {name} | {r['connections']} | {r['failed']} | {r['perSecond']} | {r['serverCpuMicrosPerConnection']} | {r['rssPerConnectionKiB']} |")
print(f"\nopenssl s_time -new: {n} full handshakes in {secs} s = {n/secs:.0f}/s, server CPU {cpu:.2f} s "
      f"= {summary['server_cpu_us_per_handshake'] or 0:.0f} µs per handshake")
PY
echo "results in $out"
