# nginx 1.22 from Debian 12, for docker-compose.yml (deploy/nginx.conf is mounted over
# /etc/nginx/nginx.conf). Built from PARLEY_BASE like the other images.
ARG PARLEY_BASE=debian:bookworm-slim
FROM ${PARLEY_BASE}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx >/dev/null \
    && rm -rf /var/lib/apt/lists/*
EXPOSE 8080
# nginx answers and a node behind it serves the web UI (/ needs no API key).
HEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD \
  ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r -t 3 s <&3 && [[ $s == *' 200 '* ]]"]
CMD ["nginx", "-g", "daemon off;"]
