# Redis 7 from Debian 12, for docker-compose.yml: built from the same base as Parley, so the
# demo needs no image but PARLEY_BASE (Docker Hub's redis image would do as well).
ARG PARLEY_BASE=debian:bookworm-slim
FROM ${PARLEY_BASE}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
    && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
USER redis
WORKDIR /data
EXPOSE 6379
HEALTHCHECK --interval=5s --timeout=3s --retries=5 CMD ["redis-cli", "ping"]
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data", "--appendonly", "yes"]
