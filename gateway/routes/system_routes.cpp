// /system/state (JSON) and /metrics (Prometheus text): the node's figures, read straight
// from node_stats and /proc without asking any actor.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <fstream>
#include <sstream>

#include "config/logging.hpp"
#include "config/text.hpp"
#include "actors/ask.hpp"
#include "actors/registry/behaviour_registry.hpp"
#include "gateway/routes/routes.hpp"

namespace parley {

namespace http = boost::beast::http;

namespace {

struct process_figures {
  uint64_t rss_bytes = 0;
  double cpu_seconds = 0;
};

process_figures read_process() {
  process_figures p;
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (statm >> size >> resident) p.rss_bytes = resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  p.cpu_seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
                  (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  return p;
}

uint64_t load(const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); }
int64_t load(const std::atomic<int64_t>& g) { return g.load(std::memory_order_relaxed); }

nlohmann::json state_json(const node_stats& s, const node_config& cfg) {
  auto proc = read_process();
  nlohmann::json actors = nlohmann::json::object();
  for (size_t k = 0; k < s.actors.size(); ++k)
    actors[to_string(static_cast<actor_kind>(k))] = load(s.actors[k]);
  nlohmann::json closes = nlohmann::json::object();
  for (size_t r = 0; r < s.closes_total.size(); ++r)
    closes[to_string(static_cast<close_reason>(r))] = load(s.closes_total[r]);
  return {
      {"uptimeSeconds", s.uptime_seconds()},
      {"connections", load(s.connections)},
      {"maxConnections", cfg.max_connections},
      {"connectionsOpened", load(s.connections_opened_total)},
      {"users", load(s.actors[static_cast<size_t>(actor_kind::user)])},
      {"groups", load(s.actors[static_cast<size_t>(actor_kind::group)])},
      {"actors", actors},
      {"logins", load(s.logins_total)},
      {"loginFailures", load(s.login_failures_total)},
      {"frames", {{"in", load(s.frames_in_total)}, {"out", load(s.frames_out_total)}}},
      {"bytes", {{"in", load(s.bytes_in_total)}, {"out", load(s.bytes_out_total)}}},
      {"pushes", {{"delivered", load(s.pushes_delivered_total)}, {"dropped", load(s.pushes_dropped_total)}, {"deduplicated", load(s.pushes_deduplicated_total)}}},
      {"badRequests", load(s.bad_requests_total)},
      {"rateLimited", load(s.rate_limited_total)},
      {"httpRequests", load(s.http_requests_total)},
      {"behaviourRestarts", load(s.behaviour_restarts_total)},
      {"logLinesDropped", log::dropped_lines()},
      {"upgradesRejected", load(s.upgrades_rejected_total)},
      {"upgradesForbidden", load(s.upgrades_forbidden_total)},
      {"closes", closes},
      {"process", {{"rssBytes", proc.rss_bytes}, {"cpuSeconds", proc.cpu_seconds}, {"pid", getpid()}}},
      // the hot actors and the commands, as of the last sample (actor_stats_ms)
      {"stats", to_json(s.samples.get())},
  };
}

uint32_t load(const std::atomic<uint32_t>& g) { return g.load(std::memory_order_relaxed); }

bool degraded(const cluster::cluster_stats& c) { return load(c.redis_shards_up) < load(c.redis_shards); }

double hit_rate(const cluster::cluster_stats& c) {
  auto hits = load(c.cache_hits_total), misses = load(c.cache_misses_total);
  return hits + misses == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(hits + misses);
}

// The cluster part of /system/state: this node's view of Redis, its peers and every node.
nlohmann::json cluster_json(const cluster::cluster_stats& c, const node_config& cfg,
                            const std::vector<node_summary>& nodes) {
  auto list = nlohmann::json::array();
  for (const auto& n : nodes)
    list.push_back({{"node", n.node}, {"grpc", n.grpc}, {"address", n.address},
                    {"startedMs", n.started_ms}, {"connections", n.connections},
                    {"users", n.users}, {"self", n.self}, {"stats", n.stats}});
  return {
      {"node", cfg.node_id},
      {"degraded", degraded(c)},
      {"liveNodes", load(c.live_nodes)},
      {"nodes", list},
      {"redis", {{"shards", load(c.redis_shards)}, {"shardsUp", load(c.redis_shards_up)},
                 {"disconnects", load(c.redis_disconnects_total)},
                 {"commands", load(c.redis_commands_total)}}},
      {"directoryCache", {{"hits", load(c.cache_hits_total)}, {"misses", load(c.cache_misses_total)},
                          {"hitRate", hit_rate(c)},
                          {"invalidations", load(c.cache_invalidations_total)}}},
      {"peers", {{"forwards", load(c.peer_forwards_total)}, {"drops", load(c.peer_drops_total)},
                 {"timeouts", load(c.peer_timeouts_total)}, {"failures", load(c.peer_failures_total)},
                 {"reconnects", load(c.peer_reconnects_total)}, {"refused", load(c.peer_refused_total)},
                 {"channelResets", load(c.peer_channel_resets_total)},
                 {"served", load(c.peer_requests_served_total)}}},
      {"store", {{"appends", load(c.store_appends_total)}, {"failures", load(c.store_failures_total)},
                 {"kept", load(c.store_kept_total)}, {"taken", load(c.store_taken_total)}}},
  };
}

void cluster_metrics(std::ostringstream& out, const cluster::cluster_stats& c);

void metric(std::ostringstream& out, const char* name, const char* type, const char* help,
            double value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
      << name << ' ';
  // Counters and most gauges are whole: every digit, never an ostream's six (1.23457e+06).
  if (value == std::floor(value) && std::fabs(value) < 9e15)
    out << static_cast<long long>(value);
  else
    out << std::setprecision(12) << value << std::setprecision(6);
  out << '\n';
}

// Per command: count, errors and the latency histogram; per hot actor: rate and mailbox.
void command_metrics(std::ostringstream& out, const node_stats& s, const behaviour_registry& r) {
  out << "# HELP parley_commands_total Commands answered, by cmd (WebSocket, HTTP and gRPC).\n"
         "# TYPE parley_commands_total counter\n";
  auto entries = r.entries();
  for (const auto& [cmd, e] : entries)
    if (e->stats) out << "parley_commands_total{cmd=\"" << cmd << "\"} " << load(e->stats->count) << '\n';
  out << "# HELP parley_command_errors_total Commands answered with a code other than 200.\n"
         "# TYPE parley_command_errors_total counter\n";
  for (const auto& [cmd, e] : entries)
    if (e->stats) out << "parley_command_errors_total{cmd=\"" << cmd << "\"} " << load(e->stats->errors) << '\n';
  out << "# HELP parley_command_duration_seconds From handing a command to its behaviour to its answer.\n"
         "# TYPE parley_command_duration_seconds histogram\n";
  for (const auto& [cmd, e] : entries) {
    if (!e->stats) continue;
    auto counts = e->stats->latency.snapshot();
    uint64_t cumulative = 0;
    for (size_t i = 0; i + 1 < counts.size(); ++i) {
      cumulative += counts[i];
      out << "parley_command_duration_seconds_bucket{cmd=\"" << cmd << "\",le=\""
          << latency_histogram::upper_us(i) / 1e6 << "\"} " << cumulative << '\n';
    }
    cumulative += counts.back();
    out << "parley_command_duration_seconds_bucket{cmd=\"" << cmd << "\",le=\"+Inf\"} " << cumulative
        << "\nparley_command_duration_seconds_sum{cmd=\"" << cmd << "\"} "
        << std::setprecision(12) << static_cast<double>(e->stats->latency.sum_ns()) / 1e9
        << std::setprecision(6)
        << "\nparley_command_duration_seconds_count{cmd=\"" << cmd << "\"} " << cumulative << '\n';
  }
  auto snap = s.samples.get();
  out << "# HELP parley_actor_messages_per_second Messages a hot actor handled per second over the last sample.\n"
         "# TYPE parley_actor_messages_per_second gauge\n";
  for (const auto* list : {&snap.actors, &snap.groups})
    for (const auto& a : *list)
      out << "parley_actor_messages_per_second{kind=\"" << a.kind << "\",name=\"" << a.name << "\"} "
          << a.per_second << '\n';
  out << "# HELP parley_actor_mailbox Messages waiting in a hot actor's mailbox when sampled.\n"
         "# TYPE parley_actor_mailbox gauge\n";
  for (const auto* list : {&snap.actors, &snap.groups})
    for (const auto& a : *list)
      out << "parley_actor_mailbox{kind=\"" << a.kind << "\",name=\"" << a.name << "\"} " << a.mailbox
          << '\n';
}

std::string prometheus_text(const node_stats& s, const cluster::cluster_stats* c,
                            const behaviour_registry* r) {
  std::ostringstream out;
  auto proc = read_process();
  metric(out, "parley_uptime_seconds", "gauge", "Seconds since the node started.", s.uptime_seconds());
  metric(out, "parley_gateway_connections", "gauge", "Open WebSocket connections.", load(s.connections));
  metric(out, "parley_gateway_connections_opened_total", "counter", "WebSocket connections accepted.", load(s.connections_opened_total));
  metric(out, "parley_gateway_upgrades_rejected_total", "counter", "Upgrades refused with 503 (max_connections).", load(s.upgrades_rejected_total));
  metric(out, "parley_gateway_upgrades_forbidden_total", "counter", "Upgrades refused with 403 (token or origin).", load(s.upgrades_forbidden_total));
  metric(out, "parley_gateway_frames_in_total", "counter", "WebSocket frames read.", load(s.frames_in_total));
  metric(out, "parley_gateway_frames_out_total", "counter", "WebSocket frames written.", load(s.frames_out_total));
  metric(out, "parley_gateway_bytes_in_total", "counter", "WebSocket payload bytes read.", load(s.bytes_in_total));
  metric(out, "parley_gateway_bytes_out_total", "counter", "WebSocket payload bytes written.", load(s.bytes_out_total));
  metric(out, "parley_connection_pushes_delivered_total", "counter", "Pushes handed to a connection's socket.", load(s.pushes_delivered_total));
  metric(out, "parley_gateway_pushes_dropped_total", "counter", "Frames dropped because their socket was closing.", load(s.pushes_dropped_total));
  metric(out, "parley_gateway_deflate_runs_total", "counter", "Frames compressed for permessage-deflate (once per push and I/O thread, shared by its sockets).", load(s.deflate_runs_total));
  metric(out, "parley_gateway_frames_deflated_total", "counter", "Frames queued compressed (permessage-deflate).", load(s.frames_deflated_total));
  metric(out, "parley_gateway_deflate_saved_bytes_total", "counter", "Payload bytes permessage-deflate saved.", load(s.deflate_saved_bytes_total));
  metric(out, "parley_gateway_pushes_deduplicated_total", "counter", "Live copies of messages a group recovery (login since) delivered already, not sent.", load(s.pushes_deduplicated_total));
  metric(out, "parley_connection_bad_requests_total", "counter", "Frames answered with 1001 or 1010.", load(s.bad_requests_total));
  metric(out, "parley_gateway_upgrades_throttled_total", "counter", "Upgrades refused with 429 by the per-address caps (anonymous connections, upgrades per second).", load(s.upgrades_throttled_total));
  metric(out, "parley_http_hosts_refused_total", "counter", "HTTP requests and upgrades refused with 403 for a Host header outside allowed_hosts.", load(s.hosts_refused_total));
  metric(out, "parley_connection_rate_limited_total", "counter", "Frames refused with 1011 by the per-connection frame rate limit.", load(s.rate_limited_total));
  metric(out, "parley_connection_logins_total", "counter", "Successful logins.", load(s.logins_total));
  metric(out, "parley_connection_login_failures_total", "counter", "Refused logins.", load(s.login_failures_total));
  metric(out, "parley_http_requests_total", "counter", "HTTP requests read.", load(s.http_requests_total));
  metric(out, "parley_http_requests_active", "gauge", "HTTP requests being answered.", load(s.http_requests_active));
  metric(out, "parley_http_requests_refused_total", "counter", "HTTP requests refused with 503 (max_http_requests).", load(s.http_requests_refused_total));
  metric(out, "parley_http_handshake_timeouts_total", "counter", "Connections cut at handshake_timeout with their request or TLS handshake incomplete (slow-loris).", load(s.handshake_timeouts_total));
  metric(out, "parley_http_idle_closed_total", "counter", "Keep-alive HTTP connections closed after http_keepalive_timeout without a request.", load(s.http_idle_closed_total));
  metric(out, "parley_tls_handshakes_total", "counter", "TLS handshakes completed.", load(s.tls_handshakes_total));
  metric(out, "parley_tls_handshake_failures_total", "counter", "TLS handshakes that failed (not TLS, bad version or cipher, cut off).", load(s.tls_handshake_failures_total));
  metric(out, "parley_node_behaviour_restarts_total", "counter", "Behaviour actors restarted after a crash.", load(s.behaviour_restarts_total));
  metric(out, "parley_log_lines_dropped_total", "counter", "Log lines dropped because the asynchronous log queue was full.", log::dropped_lines());
  metric(out, "parley_process_resident_memory_bytes", "gauge", "Resident set size.", proc.rss_bytes);
  metric(out, "parley_process_cpu_seconds_total", "counter", "User and system CPU time.", proc.cpu_seconds);
  out << "# HELP parley_gateway_closes_total WebSocket connections closed, by reason.\n"
         "# TYPE parley_gateway_closes_total counter\n";
  for (size_t r = 0; r < s.closes_total.size(); ++r)
    out << "parley_gateway_closes_total{reason=\"" << to_string(static_cast<close_reason>(r))
        << "\"} " << load(s.closes_total[r]) << '\n';
  out << "# HELP parley_actors Live actors, by kind.\n# TYPE parley_actors gauge\n";
  for (size_t k = 0; k < s.actors.size(); ++k)
    out << "parley_actors{kind=\"" << to_string(static_cast<actor_kind>(k)) << "\"} "
        << load(s.actors[k]) << '\n';
  if (r) command_metrics(out, s, *r);
  if (c) cluster_metrics(out, *c);
  return out.str();
}

void cluster_metrics(std::ostringstream& out, const cluster::cluster_stats& c) {
  metric(out, "parley_cluster_degraded", "gauge", "1 while a Redis shard is unreachable.", degraded(c));
  metric(out, "parley_cluster_live_nodes", "gauge", "Live nodes in the registry, this one included.", load(c.live_nodes));
  metric(out, "parley_cluster_redis_shards_up", "gauge", "Redis shards connected.", load(c.redis_shards_up));
  metric(out, "parley_cluster_redis_disconnects_total", "counter", "Redis connections lost.", load(c.redis_disconnects_total));
  metric(out, "parley_cluster_redis_commands_total", "counter", "Redis commands sent.", load(c.redis_commands_total));
  metric(out, "parley_cluster_directory_cache_hits_total", "counter", "Directory lookups answered from the cache.", load(c.cache_hits_total));
  metric(out, "parley_cluster_directory_cache_misses_total", "counter", "Directory lookups read from Redis.", load(c.cache_misses_total));
  metric(out, "parley_cluster_directory_cache_hit_ratio", "gauge", "Hits / (hits + misses) since start.", hit_rate(c));
  metric(out, "parley_cluster_directory_republished_total", "counter", "Directory entries written again after a shard came back.", load(c.directory_republished_total));
  metric(out, "parley_cluster_peer_forwards_total", "counter", "Requests written to peer streams.", load(c.peer_forwards_total));
  metric(out, "parley_cluster_peer_drops_total", "counter", "Requests refused because a peer's queue was full.", load(c.peer_drops_total));
  metric(out, "parley_cluster_peer_timeouts_total", "counter", "Requests a peer did not answer within peer_timeout_ms.", load(c.peer_timeouts_total));
  metric(out, "parley_cluster_peer_failures_total", "counter", "Requests failed with their stream.", load(c.peer_failures_total));
  metric(out, "parley_cluster_peer_reconnects_total", "counter", "Peer streams opened again after a break.", load(c.peer_reconnects_total));
  metric(out, "parley_cluster_peer_channel_resets_total", "counter", "Peer channels replaced after staying unconnected.", load(c.peer_channel_resets_total));
  metric(out, "parley_cluster_peer_refused_total", "counter", "Inbound peer streams refused (cluster secret).", load(c.peer_refused_total));
  metric(out, "parley_cluster_store_appends_total", "counter", "Messages stored in Redis (store: redis).", load(c.store_appends_total));
  metric(out, "parley_cluster_store_failures_total", "counter", "Store commands that failed (the sender got 1008).", load(c.store_failures_total));
  metric(out, "parley_cluster_store_kept_total", "counter", "Messages kept in Redis for offline users.", load(c.store_kept_total));
  metric(out, "parley_cluster_store_taken_total", "counter", "Kept messages handed to a login.", load(c.store_taken_total));
  metric(out, "parley_cluster_peer_requests_served_total", "counter", "Requests from peers carried out here.", load(c.peer_requests_served_total));
}

}  // namespace

void add_system_routes(http_router& router, gateway_context& ctx) {
  router.add(http::verb::get, "/system/groups", [&ctx](const api_request& req, responder respond) {
    auto it = req.params.find("limit");
    uint32_t limit = 10;
    if (it != req.params.end()) {
      if (!parse_uint32(it->second, limit) || limit < 1 || limit > 1000)
        return respond(bad_request("limit must be 1 to 1000"));
    }
    ask<std::vector<group_summary>>(
        ctx.system, ctx.node,
        [respond](std::optional<std::vector<group_summary>> groups) {
          if (!groups) return respond(json_reply(1004, "server error", nullptr, 500));
          auto list = nlohmann::json::array();
          for (const auto& g : *groups) list.push_back({{"appID", g.app_id}, {"group", g.name}, {"members", g.members}});
          respond(json_reply(200, "Success", {{"groups", list}}));
        },
        top_groups_atom::value, limit);
  });
  router.add(http::verb::get, "/system/closes", [&ctx](const api_request&, responder respond) {
    auto list = nlohmann::json::array();
    for (const auto& c : ctx.closes.snapshot())
      list.push_back({{"time", c.time_ms}, {"clientID", c.conn_id}, {"remote", c.remote},
                      {"reason", to_string(c.reason)}, {"secondsOpen", c.seconds_open}});
    respond(json_reply(200, "Success", {{"closes", list}}));
  });
  router.add(http::verb::get, "/system/state", [&ctx](const api_request&, responder respond) {
    if (!ctx.remote || !ctx.cluster)
      return respond(json_reply(200, "Success", state_json(ctx.stats, *ctx.config)));
    ask<std::vector<node_summary>>(
        ctx.system, caf::actor_cast<caf::actor>(ctx.remote),
        [&ctx, respond](std::optional<std::vector<node_summary>> nodes) {
          auto state = state_json(ctx.stats, *ctx.config);
          state["cluster"] = cluster_json(*ctx.cluster, *ctx.config,
                                          nodes ? *nodes : std::vector<node_summary>{});
          respond(json_reply(200, "Success", std::move(state)));
        },
        nodes_atom::value);
  });
  router.add(http::verb::get, "/metrics", [&ctx](const api_request&, responder respond) {
    respond({200, prometheus_text(ctx.stats, ctx.cluster, ctx.registry.get()),
             "text/plain; version=0.0.4"});
  });
}

}  // namespace parley
