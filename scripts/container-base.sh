#!/usr/bin/env bash
# Builds a local Debian 12 base image, localhost/parley-base:bookworm, for machines that cannot
# pull from a container registry: mmdebstrap makes a minbase bookworm root filesystem from this
# machine's own apt sources (about 50 s, 180 MB) and `podman import` turns it into an image.
# Then `PARLEY_BASE=localhost/parley-base:bookworm podman-compose up --build` builds the demo
# from it (docs/deploy.md). Does nothing when the image exists, unless --force.
#
#   scripts/container-base.sh [--force] [--engine podman|docker]
#
# PARLEY_BASE_IMAGE names the image (default localhost/parley-base:bookworm). Needs root (mmdebstrap
# and a rootful podman) and installs mmdebstrap if it is missing.
set -euo pipefail
image=${PARLEY_BASE_IMAGE:-localhost/parley-base:bookworm}
engine=podman
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1; shift ;;
    --engine) engine=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "container-base: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
command -v "$engine" >/dev/null || { echo "container-base: no '$engine' on PATH (apt-get install podman)" >&2; exit 1; }
if [ "$force" = 0 ] && "$engine" image exists "$image" 2>/dev/null; then
  echo "container-base: $image exists (--force rebuilds it)"
  exit 0
fi
if ! command -v mmdebstrap >/dev/null; then
  echo "container-base: installing mmdebstrap" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

work=$(mktemp -d /tmp/parley-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The machine's sources (deb822 or one-line), so a mirror or a proxy configured here is used.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -s "$f" ] && sources+=("$f")
done
[ ${#sources[@]} -gt 0 ] || { echo "container-base: no apt sources in /etc/apt" >&2; exit 1; }
# minbase: essential packages and apt. ca-certificates so that images can fetch over https;
# the apt lists are dropped (each Dockerfile runs apt-get update itself).
start=$(date +%s)
mmdebstrap --variant=minbase --mode=root --format=tar --include=ca-certificates \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
  --quiet bookworm "$work/rootfs.tar" "${sources[@]}"
"$engine" import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' \
  "$work/rootfs.tar" "$image" >/dev/null
echo "container-base: $image built in $(($(date +%s) - start)) s"
