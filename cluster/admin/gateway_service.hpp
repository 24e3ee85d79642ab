// gateway_service: the management API of proto/gateway.proto (docs/grpc-api.md), served
// beside the node-to-node service on --grpc-listen.
//
// Every operation is one of the node's own, asked without blocking (actors/ask.hpp), or a
// registered behaviour run for a backend (actors/registry/run_command.hpp), the same ones the
// HTTP API runs: no second implementation. The node's answers are cluster-wide already (its
// remote asks the other nodes), so each RPC covers the cluster from whichever node is asked.
// Lists stream page by page: the next page is fetched only when the last one was written.
// With an API key configured, a call without `authorization: Bearer KEY` gets UNAUTHENTICATED;
// bad arguments get INVALID_ARGUMENT naming the field.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/messages.hpp"
#include "cluster/drain.hpp"
#include "actors/node/node_interface.hpp"
#include "actors/routing/remote.hpp"

namespace grpc {
class Service;
}

namespace parley {
struct node_config;
}

namespace parley::cluster {

struct gateway_service_setup {
  caf::actor_system* system = nullptr;
  node_handle node;
  remote_actor remote;
  registry_ptr registry;
  std::shared_ptr<const node_config> config;
  drain_fn drain;  // DrainNode for this node
  // This node's figures, for ListNodes and ActorStats on a node without a cluster (remote
  // invalid); a cluster node's remote answers them for every node.
  std::function<node_summary()> self_summary;
};

std::unique_ptr<grpc::Service> make_gateway_service(gateway_service_setup setup);

}  // namespace parley::cluster
