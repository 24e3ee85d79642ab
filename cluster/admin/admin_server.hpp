// admin_server: the management API (gateway_service) on --grpc-listen for a node without a
// cluster (no --redis): the same RPCs, answered for this one node. A cluster node serves it
// from cluster_runtime instead, beside the peer service.
#pragma once

#include <memory>
#include <string>

#include "cluster/admin/gateway_service.hpp"

namespace grpc {
class Server;
}

namespace parley::cluster {

class admin_server {
 public:
  admin_server();
  ~admin_server();
  // Binds config->grpc_listen; false with `error` when it cannot.
  bool start(gateway_service_setup setup, std::string& error);
  // Stops the server (idempotent); call before the actor system goes.
  void stop();

 private:
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace parley::cluster
