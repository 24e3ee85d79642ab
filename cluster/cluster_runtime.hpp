// cluster_runtime: what a node needs to be part of a cluster, built by node_runtime when
// node_config::redis is set: the Redis clients (one per shard) on their own I/O thread, the
// cluster actor (the node's remote), and the gRPC server for the peers' streams. A node
// without redis builds none of it.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <caf/all.hpp>

#include "actors/node/node_interface.hpp"
#include "actors/node/user_directory.hpp"
#include "actors/routing/remote.hpp"
#include "actors/store/durable_store.hpp"
#include "actors/stats/node_stats.hpp"
#include "actors/stats/cluster_stats.hpp"
#include "cluster/drain.hpp"
#include "cluster/redis/redis_client.hpp"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace parley {
struct node_config;
}

namespace parley::cluster {

class cluster_runtime {
 public:
  cluster_runtime(caf::actor_system& system, std::shared_ptr<const node_config> config,
                  std::string node_id, node_stats& stats, cluster_stats& counters);
  ~cluster_runtime();

  // The node's remote (spawned by the constructor).
  remote_actor remote() const { return remote_; }
  // The durable message store with store: redis (cluster/store/redis_store); invalid otherwise.
  durable_store durable() const { return durable_; }

  // Starts the Redis I/O thread and the gRPC server for `node`: the peers' service and the
  // management API (cluster/admin, running `registry`'s behaviours). False with `error` when
  // the gRPC address cannot be bound.
  // `port` is the node's bound WebSocket/HTTP port (its public address without one set).
  // `drain` is what DrainNode does to this node (cluster/drain.hpp).
  bool start(const node_handle& node, user_directory_ptr users, registry_ptr registry,
             uint16_t port, drain_fn drain, std::string& error);

  // Leaves the registry, stops the peer links, the gRPC server and the Redis clients. Call
  // before the actor system goes; idempotent.
  void stop();

  cluster_stats& stats() { return stats_; }
  const std::string& grpc_address() const { return grpc_address_; }

 private:
  caf::actor_system& system_;
  std::shared_ptr<const node_config> config_;
  std::string node_id_;
  std::string grpc_address_;
  node_stats& node_stats_;
  std::shared_ptr<std::atomic<uint16_t>> listen_port_ = std::make_shared<std::atomic<uint16_t>>(0);
  // Owned by the node runtime, which keeps it until every actor is gone: peer links and
  // inbound actors still count into it while the actor system tears down.
  cluster_stats& stats_;
  boost::asio::io_context ioc_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread io_thread_;
  std::vector<redis::client_ptr> shards_;
  remote_actor remote_;
  durable_store durable_;
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Service> admin_;
  std::unique_ptr<grpc::Server> server_;
  bool stopped_ = false;
};

}  // namespace parley::cluster
