#include "cluster/cluster_runtime.hpp"

#include <chrono>
#include <future>
#include <random>

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include "cluster/admin/gateway_service.hpp"
#include "cluster/cluster_actor.hpp"
#include "cluster/peer/live_streams.hpp"
#include "cluster/store/redis_store.hpp"
#include "cluster/peer/peer_service.hpp"
#include "config/logging.hpp"
#include "config/node_config.hpp"

namespace parley::cluster {
namespace {

std::pair<std::string, uint16_t> split(const std::string& address) {
  auto colon = address.rfind(':');
  return {address.substr(0, colon), static_cast<uint16_t>(std::stoul(address.substr(colon + 1)))};
}

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

cluster_runtime::cluster_runtime(caf::actor_system& system, std::shared_ptr<const node_config> config,
                                 std::string node_id, node_stats& stats,
                                 cluster_stats& counters)
    : system_(system), config_(std::move(config)), node_id_(std::move(node_id)),
      grpc_address_(config_->grpc_advertise.empty() ? config_->grpc_listen : config_->grpc_advertise),
      node_stats_(stats), stats_(counters) {
  for (const auto& address : config_->redis) {
    auto [host, port] = split(address);
    shards_.push_back(std::make_shared<redis::client>(ioc_, host, port));
  }
  auto started = unix_ms();
  std::random_device rd;
  auto incarnation = std::to_string(started) + "-" + std::to_string(rd() % 100000);
  auto public_address = config_->public_address;
  auto* ns = &node_stats_;
  auto host = config_->listen_host;
  auto port = listen_port_;
  auto node = node_id_;
  auto grpc = grpc_address_;
  cluster_setup setup{config_, node_id_, incarnation, grpc_address_, started,
                      shards_, &stats_,
                      [ns, node, grpc, public_address, host, port, started] {
                        node_summary s;
                        s.node = node;
                        s.grpc = grpc;
                        // Without public_address: the bound listen address.
                        s.address = public_address.empty()
                                        ? host + ":" + std::to_string(port->load())
                                        : public_address;
                        s.started_ms = started;
                        s.connections = static_cast<uint32_t>(ns->connections.load());
                        s.users = static_cast<uint32_t>(ns->live(actor_kind::user).load());
                        s.stats = to_json(ns->samples.get());
                        return s;
                      }};
  remote_ = spawn_cluster_actor(system_, std::move(setup));
  if (config_->store == "redis") durable_ = spawn_redis_store(system_, config_, shards_, &stats_);
  if (config_->cluster_secret.empty())
    log::cluster()->warn("no cluster_secret: peers are not authenticated (loopback demos and "
                         "tests only)");
}

cluster_runtime::~cluster_runtime() { stop(); }

bool cluster_runtime::start(const node_handle& node, user_directory_ptr users,
                            registry_ptr registry, uint16_t port, drain_fn drain,
                            std::string& error) {
  listen_port_->store(port);
  peer_service_setup ps;
  ps.system = &system_;
  ps.node = node;
  ps.users = std::move(users);
  ps.secret = config_->cluster_secret;
  ps.stats = &stats_;
  ps.counters = &node_stats_;
  ps.drain = drain;
  service_ = make_peer_service(std::move(ps));
  admin_ = make_gateway_service(
      {&system_, node, remote_, std::move(registry), config_, std::move(drain)});
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort(config_->grpc_listen, grpc::InsecureServerCredentials(), &bound);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.RegisterService(service_.get());
  builder.RegisterService(admin_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || bound == 0) {
    error = "cannot listen for gRPC on " + config_->grpc_listen;
    server_.reset();
    return false;
  }
  // Redis only now: the node registers (and peers dial it) once its gRPC port is open.
  work_ = std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
      ioc_.get_executor());
  io_thread_ = std::thread([this] { ioc_.run(); });
  log::cluster()->info("node {} in a cluster: redis {} shard(s), gRPC on {} (advertised {})",
                       node_id_, shards_.size(), config_->grpc_listen, grpc_address_);
  return true;
}

void cluster_runtime::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  if (durable_) {
    caf::anon_send_exit(durable_, caf::exit_reason::user_shutdown);
    durable_ = nullptr;
  }
  if (remote_) {
    // The cluster actor leaves the registry, stops its peer links and the Redis clients.
    caf::scoped_actor self{system_};
    self->monitor(remote_);
    self->send_exit(remote_, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {}, caf::after(std::chrono::seconds(2)) >> [] {});
    remote_ = nullptr;
  }
  if (io_thread_.joinable()) {
    work_.reset();
    // The clients' last commands (leaving the registry) flush, then run() returns; a Redis
    // that does not answer is not waited for past a second.
    auto done = std::async(std::launch::async, [this] { io_thread_.join(); });
    if (done.wait_for(std::chrono::seconds(1)) != std::future_status::ready) ioc_.stop();
    done.wait();
  }
  // Every stream reports done before the server, the service and (at exit) gRPC go.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (live_streams().load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (auto left = live_streams().load(); left > 0)
    log::cluster()->warn("shutdown: {} peer stream(s) still open", left);
  server_.reset();
  service_.reset();
  admin_.reset();
}

}  // namespace parley::cluster
