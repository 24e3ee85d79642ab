# Parley's image: a Debian 12 build stage, then a slim runtime with only the shared libraries
# Parley needs, a non-root user and a HEALTHCHECK on /system/state. docs/deploy.md.
#
#   docker build -t parley .                                   # from Docker Hub's debian
#   podman build --build-arg PARLEY_BASE=localhost/parley-base:bookworm -t parley .
#
# PARLEY_BASE is any Debian 12 image: debian:bookworm-slim by default; on machines without a
# registry, the one scripts/container-base.sh builds from the machine's own apt sources.
ARG PARLEY_BASE=debian:bookworm-slim

FROM ${PARLEY_BASE} AS build
ARG DEBIAN_FRONTEND=noninteractive
# The packages of scripts/install-deps.sh (without the test tools).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      g++ cmake ninja-build pkg-config libcaf-dev libboost-dev nlohmann-json3-dev \
      libspdlog-dev libssl-dev libjemalloc-dev libgtest-dev libhiredis-dev libgrpc++-dev \
      libprotobuf-dev protobuf-compiler protobuf-compiler-grpc >/dev/null \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARLEY_NODE_TESTS=OFF >/dev/null \
    && cmake --build /build --target parley parley-admin \
    && strip /build/app/parley /build/app/parley-admin

# The runtime without Parley itself: the tests bind-mount a parley built on the host into it
# (`--target runtime-libs`); users get the full image below.
FROM ${PARLEY_BASE} AS runtime-libs
ARG DEBIAN_FRONTEND=noninteractive
# What `ldd parley parley-admin` names (the rest comes with these): CAF, gRPC + Protobuf,
# hiredis, spdlog, OpenSSL, jemalloc.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      libcaf-core0.17 libgrpc++1.51 libprotobuf32 libhiredis0.14 libspdlog1.10 libssl3 \
      libjemalloc2 >/dev/null \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /opt/parley --shell /usr/sbin/nologin parley
WORKDIR /opt/parley
EXPOSE 8080 9090
COPY deploy/healthcheck.sh /opt/parley/healthcheck
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 CMD ["/opt/parley/healthcheck"]
USER parley
ENTRYPOINT ["/opt/parley/parley"]
# In a container the node listens on every interface (a node beyond loopback needs an
# auth_secret or an api_key, or --insecure); docker-compose.yml adds the cluster flags.
CMD ["--listen", "0.0.0.0:8080"]

FROM runtime-libs AS runtime
COPY --from=build /build/app/parley /build/app/parley-admin /opt/parley/
COPY --from=build /src/webui /opt/parley/webui
