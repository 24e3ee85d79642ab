#!/bin/bash
# The image's HEALTHCHECK: GET /system/state on the node's port answers 200. No curl in the
# image: bash's /dev/tcp. /system/state is part of the API, so the request carries the API key
# when PARLEY_API_KEY is set (as docker-compose.yml sets it). PARLEY_HEALTH_PORT: the port
# (default 8080, the image's --listen).
exec 3<>"/dev/tcp/127.0.0.1/${PARLEY_HEALTH_PORT:-8080}" || exit 1
auth=""
[ -n "${PARLEY_API_KEY:-}" ] && auth="Authorization: Bearer ${PARLEY_API_KEY}"$'\r\n'
printf 'GET /system/state HTTP/1.0\r\nHost: localhost\r\n%s\r\n' "$auth" >&3
read -r -t 3 status <&3 && [[ "$status" == *" 200 "* ]]
