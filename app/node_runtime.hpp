// node_runtime: the composition root. Builds one whole node (actor system, node actor with
// the built-in behaviours, HTTP/WebSocket gateway) from a node_config, and stops it cleanly.
// It is the only code that includes every folder. `parley` (app/main.cpp) runs one; the
// integration tests run several in one process, each on its own port.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <caf/all.hpp>

#include "actors/node/node_interface.hpp"
#include "actors/node/user_directory.hpp"
#include "actors/stats/cluster_stats.hpp"
#include "actors/registry/behaviour_registry.hpp"
#include "actors/stats/node_stats.hpp"
#include "config/node_config.hpp"
#include "gateway/keepalive.hpp"
#include "gateway/recent_closes.hpp"

namespace parley {

struct gateway_context;
class http_router;
class tls_credentials;
class listener;
namespace cluster {
class cluster_runtime;
class admin_server;
}

// The CAF worker count for `config` (resolves actor_threads = 0, see node_config.hpp).
uint32_t actor_threads(const node_config& config);

class node_runtime {
 public:
  // `extra` behaviours are registered after the built-in ones.
  explicit node_runtime(node_config config, std::vector<behaviour_spec> extra = {});
  ~node_runtime();
  node_runtime(const node_runtime&) = delete;
  node_runtime& operator=(const node_runtime&) = delete;

  // Binds the listen address and starts the I/O threads. False with `error` on failure.
  bool start(std::string& error);

  // The bound port (useful with port 0).
  uint16_t port() const { return port_; }
  node_stats& stats() { return stats_; }
  const node_config& config() const { return *config_; }
  caf::actor_system& system() { return *system_; }
  node_handle node() const { return node_; }
  cluster::cluster_runtime* cluster() { return cluster_.get(); }
  const http_router& router() const { return *router_; }

  // Stops accepting, closes every WebSocket with 1001, waits up to `grace` for the close
  // handshakes, then stops I/O and all actors. Idempotent; the destructor calls it.
  // Call it on the thread that constructed the runtime: CAF 0.17 keeps the system's logger
  // in the constructing thread's thread-local storage and the system's destructor waits for
  // that logger, so tearing down from another thread never returns.
  void shutdown(std::chrono::seconds grace);

  // Reads tls_cert and tls_key again (SIGHUP): new connections get the new certificate, open
  // ones keep theirs. False with `error` (and the old certificate kept) if they do not load,
  // or if TLS is off.
  bool reload_tls(std::string& error);

 private:
  // Teardown order (shutdown()): I/O threads joined, keepalive timer gone, actors gone (the
  // sessions they referenced with them), then the io_context (sessions kept alive only by
  // pending handlers die here, and read gateway_ and pings_ as they go), and last what they
  // read. Declared so that the implicit destruction order agrees.
  std::shared_ptr<const node_config> config_;
  node_stats stats_;
  // The cluster's counters, here and not in cluster_: actors still count into them while the
  // actor system tears down, after cluster_ is gone (a clean-clone sanitizer run caught a
  // heap-use-after-free in one of them when cluster_runtime owned them).
  cluster::cluster_stats cluster_stats_;
  recent_closes closes_;
  std::unique_ptr<tls_credentials> tls_;      // with tls_cert/tls_key; sessions share contexts
  std::unique_ptr<gateway_context> gateway_;  // outlives every session
  std::unique_ptr<keepalive> pings_;          // sessions leave it as they are destroyed
  std::unique_ptr<boost::asio::io_context> ioc_ = std::make_unique<boost::asio::io_context>();
  std::unique_ptr<caf::actor_system_config> actor_config_;
  std::unique_ptr<caf::actor_system> system_;
  node_handle node_;
  std::unique_ptr<cluster::cluster_runtime> cluster_;  // only with node_config::redis
  // The management API of a node without a cluster (grpc_listen set, redis not).
  std::unique_ptr<cluster::admin_server> admin_;
  std::string node_id_;  // the configured one, or random per start
  user_directory_ptr users_;
  std::shared_ptr<const http_router> router_;
  std::shared_ptr<listener> listener_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace parley
