// Layering and validation of node_config. The JSON form of the defaults is the schema.
#include "config/node_config.hpp"

#include "config/ip_network.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/text.hpp"

namespace parley {
namespace {

using json = nlohmann::json;

json to_json(const node_config& c) {
  return json{
      {"node_id", c.node_id},
      {"listen", c.listen_host + ":" + std::to_string(c.listen_port)},
      {"auth_secret", c.auth_secret},
      {"api_key", c.api_key},
      {"auth_secret_previous", c.auth_secret_previous},
      {"auth_secret_file", c.auth_secret_file},
      {"auth_secret_previous_file", c.auth_secret_previous_file},
      {"api_key_file", c.api_key_file},
      {"cluster_secret_file", c.cluster_secret_file},
      {"insecure", c.insecure},
      {"allowed_hosts", c.allowed_hosts},
      {"trusted_proxies", c.trusted_proxies},
      {"max_connections", c.max_connections},
      {"heartbeat_timeout", c.heartbeat_timeout},
      {"login_timeout", c.login_timeout},
      {"handshake_timeout", c.handshake_timeout},
      {"tls_cert", c.tls_cert},
      {"tls_key", c.tls_key},
      {"http_keepalive_timeout", c.http_keepalive_timeout},
      {"max_http_requests", c.max_http_requests},
      {"client_send_all", c.client_send_all},
      {"ping_interval", c.ping_interval},
      {"max_frame_bytes", c.max_frame_bytes},
      {"max_http_body_bytes", c.max_http_body_bytes},
      {"linger_max_bytes", c.linger_max_bytes},
      {"permessage_deflate", c.permessage_deflate},
      {"deflate_min_bytes", c.deflate_min_bytes},
      {"linger_timeout_ms", c.linger_timeout_ms},
      {"write_queue_limit_bytes", c.write_queue_limit_bytes},
      {"max_inflight_frames", c.max_inflight_frames},
      {"frame_rate", c.frame_rate},
      {"frame_burst", c.frame_burst},
      {"frame_strikes", c.frame_strikes},
      {"dedup_window", c.dedup_window},
      {"dedup_max_per_sender", c.dedup_max_per_sender},
      {"dedup_max_bytes", c.dedup_max_bytes},
      {"max_message_bytes", c.max_message_bytes},
      {"max_anonymous_per_address", c.max_anonymous_per_address},
      {"upgrades_per_address_per_second", c.upgrades_per_address_per_second},
      {"max_connections_per_user", c.max_connections_per_user},
      {"max_groups_per_user", c.max_groups_per_user},
      {"max_groups_per_app", c.max_groups_per_app},
      {"behaviour_max_restarts", c.behaviour_max_restarts},
      {"behaviour_restart_window", c.behaviour_restart_window},
      {"user_list_page", c.user_list_page},
      {"store", c.store},
      {"history_private_window", c.history_private_window},
      {"history_group_window", c.history_group_window},
      {"history_room_window", c.history_room_window},
      {"history_max_age", c.history_max_age},
      {"history_max_bytes", c.history_max_bytes},
      {"offline_per_user", c.offline_per_user},
      {"offline_max", c.offline_max},
      {"profiles_max", c.profiles_max},
      {"memberships_max", c.memberships_max},
      {"app_ids", c.app_ids},
      {"allowed_origins", c.allowed_origins},
      {"log_level", c.log_level},
      {"io_threads", c.io_threads},
      {"actor_threads", c.actor_threads},
      {"actor_idle_sleep_us", c.actor_idle_sleep_us},
      {"actor_idle_polls", c.actor_idle_polls},
      {"actor_scheduler", c.actor_scheduler},
      {"shutdown_grace", c.shutdown_grace},
      {"webui_dir", c.webui_dir},
      {"presence", c.presence},
      {"presence_list_max", c.presence_list_max},
      {"presence_interval_ms", c.presence_interval_ms},
      {"presence_pushes", c.presence_pushes},
      {"actor_stats_ms", c.actor_stats_ms},
      {"redis", c.redis},
      {"grpc_listen", c.grpc_listen},
      {"grpc_advertise", c.grpc_advertise},
      {"public_address", c.public_address},
      {"cluster_secret", c.cluster_secret},
      {"node_ttl_ms", c.node_ttl_ms},
      {"node_refresh_ms", c.node_refresh_ms},
      {"directory_ttl_ms", c.directory_ttl_ms},
      {"directory_cache_ms", c.directory_cache_ms},
      {"peer_queue_bytes", c.peer_queue_bytes},
      {"peer_timeout_ms", c.peer_timeout_ms},
  };
}

// "101,102" into app ids; false unless every entry is one (1 to 2^31-1).
bool parse_presence_mode(std::string_view text, presence_mode& out) {
  if (text == "auto") out = presence_mode::automatic;
  else if (text == "list") out = presence_mode::list;
  else if (text == "count") out = presence_mode::count;
  else if (text == "off") out = presence_mode::off;
  else return false;
  return true;
}

// "MODE[,APPID=MODE...]": the mode of `app_id`; false if the text is not of that form.
bool parse_presence(const std::string& text, uint32_t app_id, presence_mode& out) {
  std::stringstream in(text);
  std::string item;
  bool first = true;
  presence_mode for_app{};
  bool have_app = false;
  while (std::getline(in, item, ',')) {
    if (first) {
      if (!parse_presence_mode(item, out)) return false;
      first = false;
      continue;
    }
    auto eq = item.find('=');
    uint32_t id = 0;
    presence_mode m{};
    if (eq == std::string::npos || !parse_uint32(std::string_view(item).substr(0, eq), id) ||
        id == 0 || !parse_presence_mode(std::string_view(item).substr(eq + 1), m))
      return false;
    if (id == app_id) {
      for_app = m;
      have_app = true;
    }
  }
  if (first) return false;
  if (have_app) out = for_app;
  return true;
}

bool parse_app_list(const std::string& text, std::vector<uint32_t>& out) {
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    uint32_t id = 0;
    if (!parse_uint32(item, id) || id == 0 || id >= (1u << 31)) return false;
    out.push_back(id);
  }
  return !out.empty();
}

// Splits "HOST:PORT"; returns false on anything else.
bool parse_listen(const std::string& text, std::string& host, uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  uint32_t value = 0;
  if (!parse_uint32(std::string_view(text).substr(colon + 1), value) || value > 65535) return false;
  host = text.substr(0, colon);
  port = static_cast<uint16_t>(value);
  return true;
}

// 127.0.0.0/8, ::1 and localhost (brackets and case ignored).
bool is_loopback_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host == "::1" || host.rfind("127.", 0) == 0 || iequals(host, "localhost");
}

// The secret from `file` (one trailing newline dropped) into `secret`; false with `error`.
bool read_secret_file(const std::string& key, const std::string& file, std::string& secret,
                      std::string& error) {
  if (file.empty()) return true;
  if (!secret.empty()) {
    error = key + " and " + key + "_file are both set: give the secret one way";
    return false;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = key + "_file: cannot read " + file;
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  secret = text.str();
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) {
    error = key + "_file: " + file + " is empty";
    return false;
  }
  return true;
}

template <class T>
bool read_uint(const json& j, const char* key, T& out, uint64_t min, uint64_t max,
               std::string& error) {
  auto v = j.at(key).get<uint64_t>();
  if (v < min || v > max) {
    error = std::string(key) + " must be between " + std::to_string(min) + " and " +
            std::to_string(max) + ", got " + std::to_string(v);
    return false;
  }
  out = static_cast<T>(v);
  return true;
}

const std::vector<std::string> log_levels = {"trace", "debug", "info", "warn",
                                             "error", "critical", "off"};

// Converts a fully merged, type-checked JSON object into the struct, checking ranges.
config_result from_json(const json& j) {
  config_result r;
  node_config c;
  std::string& e = r.error;
  if (!parse_listen(j.at("listen").get<std::string>(), c.listen_host, c.listen_port)) {
    e = "listen must be HOST:PORT, got " + j.at("listen").get<std::string>();
    return r;
  }
  c.node_id = j.at("node_id").get<std::string>();
  if (!c.node_id.empty() &&
      (c.node_id.size() > 32 ||
       c.node_id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
           std::string::npos)) {
    e = "node_id must be 1 to 32 of A-Z a-z 0-9 _ -, got '" + c.node_id + "'";
    return r;
  }
  c.auth_secret = j.at("auth_secret").get<std::string>();
  c.auth_secret_file = j.at("auth_secret_file").get<std::string>();
  c.auth_secret_previous = j.at("auth_secret_previous").get<std::string>();
  c.auth_secret_previous_file = j.at("auth_secret_previous_file").get<std::string>();
  c.api_key_file = j.at("api_key_file").get<std::string>();
  c.cluster_secret_file = j.at("cluster_secret_file").get<std::string>();
  c.insecure = j.at("insecure").get<bool>();
  c.allowed_hosts = j.at("allowed_hosts").get<std::vector<std::string>>();
  c.trusted_proxies = j.at("trusted_proxies").get<std::vector<std::string>>();
  for (const auto& proxy : c.trusted_proxies) {
    if (!parse_ip_network(proxy)) {
      e = "trusted_proxies entries must be IP addresses or networks (10.89.0.0/16), got '" +
          proxy + "'";
      return r;
    }
  }
  c.api_key = j.at("api_key").get<std::string>();
  c.tls_cert = j.at("tls_cert").get<std::string>();
  c.tls_key = j.at("tls_key").get<std::string>();
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    e = "tls_cert and tls_key go together: set both (PEM files) or neither";
    return r;
  }
  c.client_send_all = j.at("client_send_all").get<std::string>();
  if (c.client_send_all != "auto" && c.client_send_all != "all" && c.client_send_all != "none") {
    std::vector<uint32_t> apps;
    if (!parse_app_list(c.client_send_all, apps)) {
      e = "client_send_all must be auto, all, none or a comma-separated list of app ids, got '" +
          c.client_send_all + "'";
      return r;
    }
  }
  const uint64_t big = 1ull << 31;
  if (!read_uint(j, "max_connections", c.max_connections, 1, 10'000'000, e) ||
      !read_uint(j, "heartbeat_timeout", c.heartbeat_timeout, 1, 86400, e) ||
      !read_uint(j, "login_timeout", c.login_timeout, 1, 86400, e) ||
      !read_uint(j, "handshake_timeout", c.handshake_timeout, 1, 3600, e) ||
      !read_uint(j, "http_keepalive_timeout", c.http_keepalive_timeout, 1, 3600, e) ||
      !read_uint(j, "max_http_requests", c.max_http_requests, 1, 1'000'000, e) ||
      !read_uint(j, "ping_interval", c.ping_interval, 1, 3600, e) ||
      !read_uint(j, "max_frame_bytes", c.max_frame_bytes, 128, 64u << 20, e) ||
      !read_uint(j, "max_http_body_bytes", c.max_http_body_bytes, 128, 64u << 20, e) ||
      !read_uint(j, "linger_max_bytes", c.linger_max_bytes, 0, 1u << 30, e) ||
      !read_uint(j, "deflate_min_bytes", c.deflate_min_bytes, 0, 64u << 20, e) ||
      !read_uint(j, "linger_timeout_ms", c.linger_timeout_ms, 0, 60000, e) ||
      !read_uint(j, "write_queue_limit_bytes", c.write_queue_limit_bytes, 1024, big, e) ||
      !read_uint(j, "max_inflight_frames", c.max_inflight_frames, 1, 65536, e) ||
      !read_uint(j, "frame_rate", c.frame_rate, 0, 1000000, e) ||
      !read_uint(j, "frame_burst", c.frame_burst, 1, 65535, e) ||
      !read_uint(j, "frame_strikes", c.frame_strikes, 0, 65535, e) ||
      !read_uint(j, "dedup_window", c.dedup_window, 0, 7 * 86400, e) ||
      !read_uint(j, "dedup_max_per_sender", c.dedup_max_per_sender, 1, 1'000'000, e) ||
      !read_uint(j, "dedup_max_bytes", c.dedup_max_bytes, 4096, 0xFFFFFFFFull, e) ||
      !read_uint(j, "max_message_bytes", c.max_message_bytes, 16, 16u << 20, e) ||
      !read_uint(j, "max_connections_per_user", c.max_connections_per_user, 1, 1'000'000, e) ||
      !read_uint(j, "max_anonymous_per_address", c.max_anonymous_per_address, 0, 10'000'000, e) ||
      !read_uint(j, "upgrades_per_address_per_second", c.upgrades_per_address_per_second, 0, 65535, e) ||
      !read_uint(j, "max_groups_per_user", c.max_groups_per_user, 1, 1'000'000, e) ||
      !read_uint(j, "max_groups_per_app", c.max_groups_per_app, 1, 100'000'000, e) ||
      !read_uint(j, "behaviour_max_restarts", c.behaviour_max_restarts, 0, 1000, e) ||
      !read_uint(j, "behaviour_restart_window", c.behaviour_restart_window, 1, 3600, e) ||
      !read_uint(j, "user_list_page", c.user_list_page, 1, 1'000'000, e) ||
      !read_uint(j, "history_private_window", c.history_private_window, 1, 10'000'000, e) ||
      !read_uint(j, "history_group_window", c.history_group_window, 1, 10'000'000, e) ||
      !read_uint(j, "history_room_window", c.history_room_window, 1, 10'000'000, e) ||
      !read_uint(j, "history_max_age", c.history_max_age, 1, 3650u * 86400, e) ||
      !read_uint(j, "history_max_bytes", c.history_max_bytes, 1u << 20, 1ull << 40, e) ||
      !read_uint(j, "offline_per_user", c.offline_per_user, 1, 10'000'000, e) ||
      !read_uint(j, "offline_max", c.offline_max, 1, 1'000'000'000, e) ||
      !read_uint(j, "profiles_max", c.profiles_max, 1, 1'000'000'000, e) ||
      !read_uint(j, "memberships_max", c.memberships_max, 1, 1'000'000'000, e) ||
      !read_uint(j, "io_threads", c.io_threads, 1, 256, e) ||
      !read_uint(j, "actor_threads", c.actor_threads, 0, 256, e) ||
      !read_uint(j, "actor_idle_sleep_us", c.actor_idle_sleep_us, 50, 1000000, e) ||
      !read_uint(j, "actor_idle_polls", c.actor_idle_polls, 0, 100000, e) ||
      !read_uint(j, "shutdown_grace", c.shutdown_grace, 0, 60, e) ||
      !read_uint(j, "actor_stats_ms", c.actor_stats_ms, 0, 3'600'000, e) ||
      !read_uint(j, "presence_list_max", c.presence_list_max, 0, 10'000'000, e) ||
      !read_uint(j, "presence_interval_ms", c.presence_interval_ms, 10, 60'000, e) ||
      !read_uint(j, "node_ttl_ms", c.node_ttl_ms, 1000, 3'600'000, e) ||
      !read_uint(j, "node_refresh_ms", c.node_refresh_ms, 100, 3'600'000, e) ||
      !read_uint(j, "directory_ttl_ms", c.directory_ttl_ms, 1000, 86'400'000, e) ||
      !read_uint(j, "directory_cache_ms", c.directory_cache_ms, 0, 3'600'000, e) ||
      !read_uint(j, "peer_queue_bytes", c.peer_queue_bytes, 64 * 1024, 1u << 30, e) ||
      !read_uint(j, "peer_timeout_ms", c.peer_timeout_ms, 10, 600'000, e))
    return r;
  if (c.node_refresh_ms * 2 > c.node_ttl_ms) {
    e = "node_refresh_ms must be at most half of node_ttl_ms, so that one lost refresh does "
        "not declare the node dead";
    return r;
  }
  if (c.max_message_bytes + 1024 > c.write_queue_limit_bytes) {
    e = "max_message_bytes (" + std::to_string(c.max_message_bytes) +
        ") must stay at least 1024 below write_queue_limit_bytes (" +
        std::to_string(c.write_queue_limit_bytes) + "): a push must fit a recipient's queue";
    return r;
  }
  for (const auto& id : j.at("app_ids")) {
    auto v = id.get<uint64_t>();
    if (v == 0 || v >= big) {
      e = "app_ids entries must be between 1 and 2147483647, got " + std::to_string(v);
      return r;
    }
    c.app_ids.push_back(static_cast<uint32_t>(v));
  }
  c.allowed_origins = j.at("allowed_origins").get<std::vector<std::string>>();
  c.log_level = j.at("log_level").get<std::string>();
  if (std::find(log_levels.begin(), log_levels.end(), c.log_level) == log_levels.end()) {
    e = "log_level must be one of trace, debug, info, warn, error, critical, off; got " +
        c.log_level;
    return r;
  }
  c.webui_dir = j.at("webui_dir").get<std::string>();
  c.actor_scheduler = j.at("actor_scheduler").get<std::string>();
  if (c.actor_scheduler != "stealing" && c.actor_scheduler != "sharing") {
    e = "actor_scheduler must be stealing or sharing, got " + c.actor_scheduler;
    return r;
  }
  c.presence_pushes = j.at("presence_pushes").get<bool>();
  c.permessage_deflate = j.at("permessage_deflate").get<bool>();
  c.presence = j.at("presence").get<std::string>();
  if (presence_mode m{}; !parse_presence(c.presence, 0, m)) {
    e = "presence must be MODE[,APPID=MODE...] with MODE auto, list, count or off, got '" +
        c.presence + "'";
    return r;
  }
  c.store = j.at("store").get<std::string>();
  if (c.store != "memory" && c.store != "redis" && c.store != "off") {
    e = "store must be memory, redis or off, got " + c.store;
    return r;
  }
  c.redis = j.at("redis").get<std::vector<std::string>>();
  c.grpc_listen = j.at("grpc_listen").get<std::string>();
  c.grpc_advertise = j.at("grpc_advertise").get<std::string>();
  c.public_address = j.at("public_address").get<std::string>();
  c.cluster_secret = j.at("cluster_secret").get<std::string>();
  {
    std::string host;
    uint16_t port = 0;
    for (const auto& address : c.redis)
      if (!parse_listen(address, host, port) || port == 0) {
        e = "redis entries must be HOST:PORT, got '" + address + "'";
        return r;
      }
    for (const auto* address : {&c.grpc_listen, &c.grpc_advertise, &c.public_address})
      if (!address->empty() && !parse_listen(*address, host, port)) {
        e = "grpc_listen, grpc_advertise and public_address must be HOST:PORT, got '" +
            *address + "'";
        return r;
      }
  }
  if (!read_secret_file("auth_secret", c.auth_secret_file, c.auth_secret, e) ||
      !read_secret_file("auth_secret_previous", c.auth_secret_previous_file, c.auth_secret_previous, e) ||
      !read_secret_file("api_key", c.api_key_file, c.api_key, e) ||
      !read_secret_file("cluster_secret", c.cluster_secret_file, c.cluster_secret, e))
    return r;
  if (!c.auth_secret_previous.empty() && c.auth_secret.empty()) {
    e = "auth_secret_previous is for a key rotation: it needs auth_secret (the new secret)";
    return r;
  }
  if (!is_loopback_host(c.listen_host) && c.auth_secret.empty() && c.api_key.empty() &&
      !c.insecure) {
    e = "listen " + c.listen_host + ":" + std::to_string(c.listen_port) +
        " is not a loopback address and neither auth_secret nor api_key is set: anyone who "
        "reaches the port could log in as anyone and drive the HTTP API. Set auth_secret and "
        "api_key (or their _file keys, or PARLEY_AUTH_SECRET / PARLEY_API_KEY), listen on "
        "127.0.0.1, or pass --insecure to run open anyway";
    return r;
  }
  if (c.store == "redis" && !c.clustered()) {
    e = "store: redis needs the Redis addresses (redis / --redis HOST:PORT)";
    return r;
  }
  if (c.clustered()) {
    if (c.grpc_listen.empty()) {
      e = "a cluster node (redis set) needs grpc_listen HOST:PORT for its peers";
      return r;
    }
    if (c.node_id.empty()) {
      e = "a cluster node (redis set) needs a stable node_id";
      return r;
    }
    std::string host;
    uint16_t port = 0;
    parse_listen(c.grpc_listen, host, port);
    if (!is_loopback_host(host) && c.cluster_secret.empty()) {
      e = "grpc_listen " + c.grpc_listen + " is not a loopback address: set cluster_secret "
          "(peers must present it), or listen for gRPC on 127.0.0.1";
      return r;
    }
  }
  if (!c.grpc_listen.empty()) {
    std::string host;
    uint16_t port = 0;
    parse_listen(c.grpc_listen, host, port);
    if (!is_loopback_host(host) && c.api_key.empty() && !c.insecure) {
      e = "grpc_listen " + c.grpc_listen + " is not a loopback address and serves the "
          "management API: set api_key (callers must present it), or --insecure";
      return r;
    }
  }
  r.config = std::move(c);
  return r;
}

bool same_kind(const json& want, const json& got) {
  if (want.is_number_unsigned()) return got.is_number_unsigned();
  if (want.is_array()) {
    if (!got.is_array()) return false;
    return std::all_of(got.begin(), got.end(), [](const json& x) {
      return x.is_number_unsigned() || x.is_string();
    });
  }
  return want.type() == got.type();
}

// Applies `layer` onto `base`, refusing unknown keys and values of another type.
bool merge(json& base, const json& layer, const std::string& origin, std::string& error) {
  if (!layer.is_object()) {
    error = origin + ": expected a JSON object";
    return false;
  }
  for (auto it = layer.begin(); it != layer.end(); ++it) {
    if (it.key().rfind("_comment", 0) == 0) continue;  // documentation keys in the file
    if (!base.contains(it.key())) {
      error = origin + ": unknown key '" + it.key() + "'";
      return false;
    }
    const auto& want = base[it.key()];
    bool elements_ok = true;
    if (want.is_array() && it.value().is_array())
      for (const auto& x : it.value())
        elements_ok &= (it.key() == "app_ids") ? x.is_number_unsigned() : x.is_string();
    if (!same_kind(want, it.value()) || !elements_ok) {
      error = origin + ": key '" + it.key() + "' expects a value like " + want.dump() +
              ", got " + it.value().dump();
      return false;
    }
    base[it.key()] = it.value();
  }
  return true;
}

// Converts a flag's text into the JSON type the defaults use for that key.
bool flag_value(const json& want, const std::string& flag, const std::string& text,
                json& out, std::string& error) {
  if (want.is_number_unsigned()) {
    uint64_t value = 0;
    if (!parse_decimal(text, UINT32_MAX, value)) {
      error = flag + " expects an integer from 0 to 4294967295, got '" + text + "'";
      return false;
    }
    out = value;
    return true;
  }
  if (want.is_array()) {  // comma-separated list
    out = json::array();
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (item.empty()) continue;
      if (flag == "--app-ids") {
        json n;
        if (!flag_value(json(0u), flag, item, n, error)) return false;
        out.push_back(n);
      } else {
        out.push_back(item);
      }
    }
    return true;
  }
  if (want.is_boolean()) {
    if (text != "true" && text != "false") {
      error = flag + " expects true or false, got '" + text + "'";
      return false;
    }
    out = text == "true";
    return true;
  }
  out = text;
  return true;
}

std::string key_of_flag(const std::string& flag) {
  auto key = flag.substr(2);
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

config_result finish(const json& merged) {
  try {
    return from_json(merged);
  } catch (const json::exception& ex) {
    config_result r;
    r.error = std::string("invalid configuration: ") + ex.what();
    return r;
  }
}

}  // namespace

bool node_config::serves_app(uint32_t app_id) const {
  if (app_ids.empty()) return app_id > 0 && app_id < (1u << 31);
  return std::find(app_ids.begin(), app_ids.end(), app_id) != app_ids.end();
}

bool node_config::host_allowed(std::string_view host) const {
  if (host.empty()) return true;  // HTTP/1.0; browsers (the rebinding vector) always send one
  // Drop the port: "[::1]:8080" -> "[::1]", "name:8080" -> "name".
  if (host.front() == '[') {
    auto close = host.find(']');
    if (close != std::string_view::npos) host = host.substr(0, close + 1);
  } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (!allowed_hosts.empty())
    return std::any_of(allowed_hosts.begin(), allowed_hosts.end(),
                       [&](const std::string& name) { return iequals(name, host); });
  if (!is_loopback_host(listen_host)) return true;
  if (host.rfind("127.", 0) == 0)  // a literal 127.x address only, not 127.0.0.1.evil.example
    return host.find_first_not_of("0123456789.") == std::string_view::npos;
  return is_loopback_host(host);
}

bool node_config::origin_allowed(const std::string& origin) const {
  if (allowed_origins.empty()) return true;
  return std::find(allowed_origins.begin(), allowed_origins.end(), origin) !=
         allowed_origins.end();
}

config_result parse_config_text(const std::string& json_text) {
  config_result r;
  json merged = to_json(node_config{});
  auto file = json::parse(json_text, nullptr, false, true);
  if (file.is_discarded()) {
    r.error = "config: not valid JSON";
    return r;
  }
  if (!merge(merged, file, "config", r.error)) return r;
  return finish(merged);
}

config_result parse_config(const std::vector<std::string>& args) {
  config_result r;
  json merged = to_json(node_config{});
  json flags = json::object();
  std::string config_file;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      r.help = true;
      return r;
    }
    if (flag.rfind("--", 0) != 0) {
      r.error = "unexpected argument '" + flag + "' (see --help)";
      return r;
    }
    auto eq = flag.find('=');
    std::string name = flag.substr(0, eq);
    std::string value;
    auto bare_key = key_of_flag(name);
    bool boolean = merged.contains(bare_key) && merged[bare_key].is_boolean();
    if (eq != std::string::npos) {
      value = flag.substr(eq + 1);
    } else if (boolean && (i + 1 == args.size() || args[i + 1].rfind("--", 0) == 0)) {
      value = "true";  // a bare boolean flag: --insecure
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      r.error = name + " needs a value";
      return r;
    }
    if (name == "--config") {
      config_file = value;
      continue;
    }
    auto key = key_of_flag(name);
    if (!merged.contains(key)) {
      r.error = "unknown flag " + name + " (see --help)";
      return r;
    }
    json v;
    if (!flag_value(merged[key], name, value, v, r.error)) return r;
    flags[key] = v;
  }
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) {
      r.error = "cannot read config file " + config_file;
      return r;
    }
    auto file = json::parse(in, nullptr, false, true);
    if (file.is_discarded()) {
      r.error = config_file + ": not valid JSON";
      return r;
    }
    if (!merge(merged, file, config_file, r.error)) return r;
  }
  // The environment, between the file and the flags: secrets kept off the command line.
  json env = json::object();
  for (const auto& [var, key] : {std::pair<const char*, const char*>{"PARLEY_AUTH_SECRET", "auth_secret"},
                                 {"PARLEY_AUTH_SECRET_PREVIOUS", "auth_secret_previous"},
                                 {"PARLEY_API_KEY", "api_key"},
                                 {"PARLEY_CLUSTER_SECRET", "cluster_secret"}})
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') env[key] = v;
  if (!merge(merged, env, "environment", r.error)) return r;
  if (!merge(merged, flags, "flags", r.error)) return r;
  return finish(merged);
}

bool node_config::client_may_send_all(uint32_t app_id) const {
  if (client_send_all == "auto") return !auth_enabled();
  if (client_send_all == "all") return true;
  if (client_send_all == "none") return false;
  std::vector<uint32_t> apps;
  parse_app_list(client_send_all, apps);
  return std::find(apps.begin(), apps.end(), app_id) != apps.end();
}

presence_mode node_config::presence_of(uint32_t app_id) const {
  if (!presence_pushes) return presence_mode::off;
  if (presence == "auto") return presence_mode::automatic;  // the default, without parsing
  presence_mode m = presence_mode::automatic;
  parse_presence(presence, app_id, m);
  return m;
}

std::string config_help() {
  std::ostringstream out;
  out << "Usage: parley [--config FILE] [--KEY VALUE ...]\n"
         "       parley token --secret S --app APPID --user USERID [--ttl SECONDS]\n\n"
         "Starts a Parley node: WebSocket (/acc, /ws), HTTP API and web UI on one port.\n"
         "Every configuration key is a flag (underscores become dashes); flags override\n"
         "the file. Lists are comma-separated. See docs/configuration.md.\n\n"
         "  --config FILE                 JSON file with any of the keys below\n";
  auto defaults = to_json(node_config{});
  for (auto it = defaults.begin(); it != defaults.end(); ++it) {
    auto flag = "--" + it.key();
    std::replace(flag.begin(), flag.end(), '_', '-');
    out << "  " << flag << std::string(flag.size() < 30 ? 30 - flag.size() : 1, ' ')
        << "default " << it.value().dump() << "\n";
  }
  out << "  --help                        this text\n";
  return out.str();
}

}  // namespace parley
