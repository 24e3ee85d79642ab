#include "app/node_runtime.hpp"

#include <sys/resource.h>

#include <fstream>
#include <random>

#include <boost/asio/ip/address.hpp>

#include "actors/ask.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/node/node_actor.hpp"
#include "app/lean_scheduler.hpp"
#include "cluster/admin/admin_server.hpp"
#include "cluster/cluster_runtime.hpp"
#include "config/logging.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/tls_credentials.hpp"
#include "gateway/listener.hpp"
#include "gateway/routes/routes.hpp"

namespace parley {

namespace {

// Start-up checks of the limits that decide how many connections fit (docs/tuning.md).
void warn_about_limits(const node_config& cfg) {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
      files.rlim_cur < cfg.max_connections + 64ull)
    log::node()->warn("open-file limit {} is below max_connections {} (+64): raise ulimit -n "
                      "(and fs.nr_open) or lower max_connections", files.rlim_cur, cfg.max_connections);
  std::ifstream somaxconn("/proc/sys/net/core/somaxconn");
  unsigned backlog = 0;
  if (somaxconn >> backlog && backlog < 4096 && cfg.max_connections > 10000)
    log::node()->warn("net.core.somaxconn is {}: connection bursts will be dropped; set it to 4096 or more", backlog);
}

std::string random_node_id() {
  std::random_device rd;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
  return buf;
}

registry_ptr fetch_registry(caf::actor_system& system, const node_handle& node) {
  // Startup only: one blocking round trip before any traffic exists.
  caf::scoped_actor self{system};
  registry_ptr out;
  self->request(node, caf::infinite, registry_atom::value)
      .receive([&](const registry_ptr& r) { out = r; }, [&](caf::error&) {});
  return out;
}

}  // namespace

uint32_t actor_threads(const node_config& config) {
  if (config.actor_threads != 0) return config.actor_threads;
  auto hardware = std::max(1u, std::thread::hardware_concurrency());
  return hardware > config.io_threads ? hardware - config.io_threads : 1;
}

node_runtime::node_runtime(node_config config, std::vector<behaviour_spec> extra)
    : config_(std::make_shared<const node_config>(std::move(config))) {
  log::init(config_->log_level);
  actor_config_ = std::make_unique<caf::actor_system_config>();
  actor_config_->set("scheduler.max-threads", static_cast<size_t>(actor_threads(*config_)));
  actor_config_->set("logger.verbosity", caf::atom("quiet"));
  actor_config_->set("work-stealing.relaxed-sleep-duration",
                     caf::timespan(std::chrono::microseconds(config_->actor_idle_sleep_us)));
  actor_config_->set("work-stealing.moderate-poll-attempts",
                     static_cast<size_t>(config_->actor_idle_polls));
  if (config_->actor_scheduler == "sharing")
    actor_config_->set("scheduler.policy", caf::atom("sharing"));
  else
    use_lean_scheduler(*actor_config_);  // CAF's work stealing, minus per-turn logger tagging
  system_ = std::make_unique<caf::actor_system>(*actor_config_);
  auto behaviours = behaviours::builtin_behaviours();
  for (auto& b : extra) behaviours.push_back(std::move(b));
  auto node_id = config_->node_id.empty() ? random_node_id() : config_->node_id;
  node_id_ = node_id;
  users_ = std::make_shared<user_directory>();
  remote_actor remote;
  durable_store durable;
  if (config_->clustered()) {
    cluster_ = std::make_unique<cluster::cluster_runtime>(*system_, config_, node_id, stats_,
                                                          cluster_stats_);
    remote = cluster_->remote();
    durable = cluster_->durable();
  }
  node_ = system_->spawn(node_actor, node_setup{config_, &stats_, std::move(behaviours), node_id,
                                                remote, users_, nullptr, durable});
  pings_ = std::make_unique<keepalive>(*ioc_, std::chrono::milliseconds(config_->ping_interval * 500));
  gateway_.reset(new gateway_context{*system_, node_, fetch_registry(*system_, node_), config_,
                                     stats_, closes_, *pings_, remote,
                                     cluster_ ? &cluster_->stats() : nullptr});
  if (config_->tls_enabled()) {
    tls_ = std::make_unique<tls_credentials>(config_->tls_cert, config_->tls_key);
    gateway_->tls = tls_.get();
  }
  gateway_->addresses.configure(config_->max_anonymous_per_address,
                                config_->upgrades_per_address_per_second);
  auto router = std::make_shared<http_router>(config_->api_key);
  add_user_routes(*router, *gateway_);
  add_history_routes(*router, *gateway_);
  add_group_routes(*router, *gateway_);
  add_system_routes(*router, *gateway_);
  add_static_files(*router, *gateway_);
  router_ = router;
  listener_ = std::make_shared<listener>(*ioc_, *gateway_, router);
  log::node()->info("node={} behaviours={} io_threads={} actor_threads={}", node_id,
                    gateway_->registry->size(), config_->io_threads, actor_threads(*config_));
}

bool node_runtime::reload_tls(std::string& error) {
  if (!tls_) {
    error = "TLS is off (no tls_cert/tls_key)";
    return false;
  }
  return tls_->reload(error);
}

bool node_runtime::start(std::string& error) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(config_->listen_host, ec);
  if (ec) {
    error = "listen host '" + config_->listen_host + "' is not an IP address";
    return false;
  }
  if (tls_ && !tls_->reload(error)) return false;
  if (!listener_->open({address, config_->listen_port}, error)) {
    error = "cannot listen on " + config_->listen_host + ":" + std::to_string(config_->listen_port) + ": " + error;
    return false;
  }
  port_ = listener_->port();
  // DrainNode: no new connections (the listening socket closes, so a load balancer sends
  // them to the other nodes), then every connection closed with 1001 and a reconnect hint.
  auto drain = [this](std::function<void(uint32_t)> done) {
    log::node()->warn("DrainNode: no longer accepting on port {}", port_);
    listener_->stop();
    ask<uint32_t>(*system_, node_,
                  [done](std::optional<uint32_t> n) { done(n.value_or(0)); }, drain_atom::value);
  };
  if (cluster_ && !cluster_->start(node_, users_, gateway_->registry, port_, drain, error))
    return false;
  if (!cluster_ && !config_->grpc_listen.empty()) {
    // One node alone: the management API answers for this node.
    auto started = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    auto self = [this, started] {
      node_summary s;
      s.node = node_id_;
      s.grpc = config_->grpc_listen;
      s.address = config_->public_address.empty()
                      ? config_->listen_host + ":" + std::to_string(port_)
                      : config_->public_address;
      s.started_ms = started;
      s.connections = static_cast<uint32_t>(stats_.connections.load());
      s.users = static_cast<uint32_t>(stats_.live(actor_kind::user).load());
      s.self = true;
      s.stats = to_json(stats_.samples.get());
      return s;
    };
    admin_ = std::make_unique<cluster::admin_server>();
    if (!admin_->start({system_.get(), node_, remote_actor{}, gateway_->registry, config_, drain,
                        self},
                       error))
      return false;
  }
  warn_about_limits(*config_);
  listener_->run();
  pings_->start();
  for (uint32_t i = 0; i < config_->io_threads; ++i) threads_.emplace_back([this] { ioc_->run(); });
  if (!config_->auth_enabled())
    log::auth()->warn("no auth_secret configured: logins are not checked (demo mode)");
  if (config_->api_key.empty()) log::auth()->warn("no api_key configured: the HTTP API is open");
  log::node()->info("listening on {}:{}{}", config_->listen_host, port_,
                    tls_ ? " (TLS: https and wss)" : "");
  return true;
}

void node_runtime::shutdown(std::chrono::seconds grace) {
  if (stopped_) return;
  stopped_ = true;
  if (!threads_.empty()) {
    listener_->stop();
    caf::anon_send(node_, shutdown_atom::value);
    // Bounded drain: the close handshakes finish in milliseconds unless a peer stalls.
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (stats_.connections.load() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (auto left = stats_.connections.load(); left > 0 && grace.count() > 0)
      log::node()->warn("shutdown: {} connection(s) still open after the grace period", left);
    ioc_->stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  pings_->stop();  // no thread runs the io_context now; the timer goes before it
  if (cluster_) cluster_->stop();  // leaves the registry; peers stop routing here
  if (admin_) admin_->stop();
  caf::anon_send_exit(node_, caf::exit_reason::user_shutdown);
  node_ = nullptr;
  gateway_->node = nullptr;  // no actor handle may outlive the actor system
  gateway_->registry = nullptr;
  gateway_->remote = nullptr;
  cluster_.reset();
  admin_.reset();
  system_.reset();  // waits for every actor; sessions still referenced by actors go here
  users_.reset();   // the last sockets held by the user directory (the node shared it)
  listener_.reset();
  ioc_.reset();  // sessions held only by pending handlers go here; gateway_ still lives
  log::flush();
}

node_runtime::~node_runtime() { shutdown(std::chrono::seconds(0)); }

}  // namespace parley
