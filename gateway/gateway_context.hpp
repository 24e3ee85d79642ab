// gateway_context: what every gateway object needs, built once by the composition root.
#pragma once

#include <memory>

#include <caf/all.hpp>

#include "gateway/address_limits.hpp"
#include "actors/messages.hpp"
#include "actors/node/node_interface.hpp"
#include "actors/routing/remote.hpp"
#include "actors/stats/cluster_stats.hpp"
#include "actors/stats/node_stats.hpp"
#include "config/logging.hpp"
#include "config/node_config.hpp"
#include "gateway/keepalive.hpp"
#include "gateway/recent_closes.hpp"

namespace parley {

class tls_credentials;

struct gateway_context {
  caf::actor_system& system;
  node_handle node;
  registry_ptr registry;
  std::shared_ptr<const node_config> config;
  node_stats& stats;
  recent_closes& closes;
  keepalive& pings;  // pings on quiet WebSockets, node-wide
  // The other nodes of a cluster (invalid alone), and the cluster's counters (null alone),
  // for /system/state and /metrics.
  remote_actor remote;
  const cluster::cluster_stats* cluster = nullptr;
  // Warnings a remote peer can repeat at will (refused upgrades, slow readers), limited per
  // remote address.
  log::throttle warnings{};
  // Anonymous connections and upgrades per second, per client address (address_limits.hpp).
  address_limits addresses{};
  // The certificate and key when TLS is on (null: plain ws:// and http://).
  tls_credentials* tls = nullptr;
};

}  // namespace parley
