// cluster_actor: this node's view of the cluster, behind the remote interface
// (actors/routing/remote.hpp) that the node and the behaviours use.
//
// - Registry: every node_refresh_ms it writes its entry (id, gRPC and public addresses,
//   start time, incarnation, connections, users) with a TTL of node_ttl_ms, and reads the
//   others'. A node whose entry expired is dead: its link is stopped and its directory
//   entries are ignored.
// - Directory: what this node holds (published users and groups) is kept here, counted, and
//   written to Redis as hash fields node -> incarnation, refreshed every directory_ttl_ms/3,
//   and written again whenever a shard comes back. Lookups are cached for directory_cache_ms
//   and invalidated through pub/sub; lookups of one key in flight are shared, and requests
//   for that key wait behind them, so order holds.
// - Routing: one request per other node holding the user / group members (never one per
//   member), each over that node's peer link; presence and sendAll once per live node.
// - Degraded: while a shard is down, local work goes on, publishes are answered at once and
//   written when the shard returns, and routes needing an unreadable key answer `degraded`.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/routing/remote.hpp"
#include "actors/stats/cluster_stats.hpp"
#include "cluster/redis/redis_client.hpp"

namespace parley {
struct node_config;
}

namespace parley::cluster {

struct cluster_setup {
  std::shared_ptr<const node_config> config;
  std::string node;         // this node's id
  std::string incarnation;  // unique per start: old directory fields of this id are stale
  std::string grpc_address; // advertised
  int64_t started_ms = 0;
  std::vector<redis::client_ptr> shards;
  cluster_stats* stats = nullptr;
  std::function<node_summary()> summary;  // this node's live figures (thread-safe)
};

// Spawns the cluster actor; it subscribes to the shards' invalidation channel and starts
// them. Stop it with an exit message; it stops its peer links.
remote_actor spawn_cluster_actor(caf::actor_system& system, cluster_setup setup);

}  // namespace parley::cluster
