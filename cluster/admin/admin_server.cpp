#include "cluster/admin/admin_server.hpp"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include "config/logging.hpp"
#include "config/node_config.hpp"

namespace parley::cluster {

admin_server::admin_server() = default;
admin_server::~admin_server() { stop(); }

bool admin_server::start(gateway_service_setup setup, std::string& error) {
  auto address = setup.config->grpc_listen;
  service_ = make_gateway_service(std::move(setup));
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || bound == 0) {
    error = "cannot listen for gRPC on " + address;
    server_.reset();
    return false;
  }
  log::node()->info("management API (gRPC) on {}", address);
  return true;
}

void admin_server::stop() {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server_.reset();
}

}  // namespace parley::cluster
