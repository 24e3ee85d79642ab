#!/usr/bin/env bash
# Prints deploy/nginx.conf for nodes on this machine: its node list replaced by the given
# HOST:PORT addresses (parley1, parley2, … in order), its port by --port, and its pid file,
# logs and temp files moved under --dir, so that nginx runs beside anything else (and
# without root). scripts/cluster-demo.sh and tests/deploy/nginx.test.mjs use it.
#
#   scripts/nginx-conf.sh --port P --dir D HOST:PORT [HOST:PORT …] > D/nginx.conf
set -euo pipefail
cd "$(dirname "$0")/.."
port=""
dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) break ;;
  esac
done
[ -n "$port" ] && [ -n "$dir" ] && [ $# -gt 0 ] ||
  { echo "usage: scripts/nginx-conf.sh --port P --dir D HOST:PORT [HOST:PORT …]" >&2; exit 2; }
upstream=""
per_node=""
i=0
for address in "$@"; do
  i=$((i + 1))
  upstream+="    server $address max_fails=1 fail_timeout=5s;"$'\n'
  per_node+="  upstream node_parley$i { server $address; }"$'\n'
done
awk -v up="$upstream" -v per="$per_node" -v port="$port" -v dir="$dir" \
    -v user="$(id -un) $(id -gn)" '
  BEGIN { split("client_body proxy fastcgi uwsgi scgi", temps, " ") }
  /# --- nodes: begin/ { skip = 1
    print "  upstream parley {\n    zone parley 64k;\n    least_conn;\n    keepalive 16;\n" up "  }\n" per; next }
  /# --- nodes: end/ { skip = 0; next }
  skip { next }
  /# demo: user/ { print "user " user ";"; next }
  /# demo: listen/ { print "    listen 127.0.0.1:" port ";"; next }
  /# demo: pid/ { print "pid " dir "/nginx.pid;"; next }
  /# demo: error_log/ { print "error_log " dir "/nginx.log warn;"; next }
  /# demo: access_log/ { print "  access_log off;"
    # temp files under the scratch directory, so that nginx runs without root too
    for (t in temps) print "  " temps[t] "_temp_path " dir "/" temps[t] ";"; next }
  { print }' deploy/nginx.conf
