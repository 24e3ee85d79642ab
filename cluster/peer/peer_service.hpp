// peer_service: the serving side of the node-to-node streams. Each stream another node opens
// gets one inbound actor, which carries out the requests in the order they arrive and writes
// each answer back on the same stream:
// - a user push goes straight to the user's sockets here (the node's user_directory);
// - group, app, users and members requests go to the node actor's local-only handlers
//   (local_atom), so a forwarded request is never forwarded again.
// With a cluster secret, a stream whose x-parley-secret metadata does not match is refused
// with UNAUTHENTICATED and counted (peer_refused_total).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/node/user_directory.hpp"
#include "actors/node/node_interface.hpp"
#include "actors/routing/remote.hpp"
#include "actors/stats/cluster_stats.hpp"
#include "cluster/drain.hpp"

namespace grpc {
class Service;
}

namespace parley::cluster {

struct peer_service_setup {
  caf::actor_system* system = nullptr;
  node_handle node;
  user_directory_ptr users;
  std::string secret;
  cluster_stats* stats = nullptr;
  parley::node_stats* counters = nullptr;  // the node's (pushes delivered)
  drain_fn drain;                          // DrainNode asked of this node by a peer
};

// The gRPC service to register with a grpc::ServerBuilder.
std::unique_ptr<grpc::Service> make_peer_service(peer_service_setup setup);

}  // namespace parley::cluster
