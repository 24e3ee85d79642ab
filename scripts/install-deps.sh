#!/usr/bin/env bash
# Installs the Debian 12 packages Parley builds with, if any is missing; with --test also what
# the tests need (chromium for the browser tests; Node.js and npm when no `node` is on PATH).
# Idempotent and quiet when everything is there. Needs root (or sudo) only to install.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libcaf-dev            # CAF 0.17.6, the actor runtime
  libboost-dev          # Boost.Beast / Asio 1.74 (header-only; the rest of libboost-all-dev is not needed)
  nlohmann-json3-dev libspdlog-dev libssl-dev zlib1g-dev  # zlib: permessage-deflate
  libjemalloc-dev       # the node's allocator (app/CMakeLists.txt)
  libgtest-dev
  libhiredis-dev        # the cluster's Redis client (cluster/redis)
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc  # node-to-node gRPC
)

if [ "${1:-}" = "--test" ]; then
  # clang and its sanitizer runtimes build the sanitizer build (scripts/test.sh)
  # openssl: the TLS tests make their own CA and certificates and talk to the node with s_client
  packages+=(chromium iproute2 clang libclang-rt-14-dev redis-server openssl)
  # the deploy tests: nginx in front of local nodes (tests/deploy/nginx.test.mjs, the loopback
  # demo), and the compose demo in rootful podman containers with netavark networking, on a
  # base image mmdebstrap builds (tests/deploy/containers.test.mjs); nft restores the firewall
  packages+=(nginx curl podman podman-compose runc netavark aardvark-dns iptables nftables mmdebstrap)
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "parley: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
