// node_config: every setting of a Parley node, with its default.
//
// Settings come from three layers, later ones winning: built-in defaults, an optional JSON
// file (--config FILE) and command-line flags. Every key is also a flag: `max_frame_bytes`
// is `--max-frame-bytes`. The defaults double as the schema: a key the defaults do not
// have, or a value of another JSON type, is an error, so typos fail at start instead of
// being ignored. docs/configuration.md describes each key; config/parley.json holds them all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

enum class presence_mode : uint8_t { automatic, list, count, off };

struct node_config {
  // This node's name: the prefix of every conn id it hands out, and (with the cluster) its
  // identity in the directory, so it must stay the same across restarts. 1 to 32 of
  // [A-Za-z0-9_-]. Empty: a random 8-hex-digit id per start (a single node needs no more).
  std::string node_id;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  std::string auth_secret;          // empty: token checks off (a warning is logged)
  // During a key rotation: tokens signed with this older secret are still accepted (new ones
  // are checked against auth_secret first). Empty: one secret.
  std::string auth_secret_previous;
  std::string api_key;              // empty: HTTP API open
  // The secrets may come from files instead (one trailing newline dropped), or from the
  // environment (PARLEY_AUTH_SECRET, PARLEY_API_KEY, PARLEY_CLUSTER_SECRET), so that `ps`
  // does not show them. One source per secret: a key and its file together are refused.
  std::string auth_secret_file;
  std::string auth_secret_previous_file;
  std::string api_key_file;
  std::string cluster_secret_file;
  // A listen address that is not loopback with neither auth_secret nor api_key refuses to
  // start, unless insecure is set (as Redis' protected mode can be turned off).
  bool insecure = false;
  // Host header names this node answers to (the port is ignored); empty: any name when
  // listening beyond loopback, loopback names only (localhost, 127.x, [::1]) on loopback --
  // the defence against DNS rebinding of a node on 127.0.0.1. Others get 403.
  std::vector<std::string> allowed_hosts;
  // Proxies (IP addresses) whose X-Forwarded-For names the client: behind nginx the per-address
  // caps then key on the client, not on the proxy (gateway/forwarded_for.hpp).
  std::vector<std::string> trusted_proxies;
  uint32_t max_connections = 100000;
  uint32_t heartbeat_timeout = 360;  // seconds without any frame before a close
  uint32_t login_timeout = 60;       // seconds a connection may stay anonymous
  uint32_t handshake_timeout = 10;   // seconds for HTTP request + upgrade, and for a close
  // TLS: both set turns the port into https:// and wss:// (PEM files; reloaded on SIGHUP).
  std::string tls_cert;
  std::string tls_key;
  // HTTP: seconds a keep-alive connection may wait for its next request, and the cap on
  // requests being answered at once (past it: 503 with Retry-After).
  uint32_t http_keepalive_timeout = 15;
  uint32_t max_http_requests = 256;
  // Which apps' clients may use sendAll (a push to everyone in the app): "auto" (all apps
  // while auth is off, none once auth_secret is set), "all", "none", or a comma-separated
  // list of app ids. The HTTP API's /user/sendAll is not affected.
  std::string client_send_all = "auto";
  uint32_t ping_interval = 30;       // seconds between server WebSocket pings on a quiet socket
  uint32_t max_frame_bytes = 64 * 1024;
  // Lingering close (gateway/lingering_close.hpp): after its close frame the node reads and
  // discards what the client still sends, up to these bounds, before closing the socket, so
  // the client gets the close code instead of a reset.
  uint32_t linger_max_bytes = 32u << 20;
  uint32_t linger_timeout_ms = 2000;
  uint32_t max_http_body_bytes = 1024 * 1024;
  uint32_t write_queue_limit_bytes = 1024 * 1024;  // per connection; past it: close 1008
  // RFC 7692 permessage-deflate for clients that offer it (gateway/shared_deflate.hpp): each
  // push of at least deflate_min_bytes is compressed once, without context takeover, and the
  // same bytes go to every socket that negotiated it. Off by default.
  bool permessage_deflate = false;
  uint32_t deflate_min_bytes = 256;
  uint32_t max_inflight_frames = 64;  // frames read but not yet handled, per connection
  // Per connection: frames per second on average and at once (a token bucket); a frame past
  // them is answered 1011 and not run; past frame_strikes refusals (forgiven once the bucket
  // has refilled) the connection is closed with 1008. frame_rate 0: no limit.
  uint32_t frame_rate = 50;
  uint32_t frame_burst = 100;
  uint32_t frame_strikes = 200;
  uint32_t dedup_window = 300;        // seconds a msgID is remembered per sender
  // De-duplication bounds (actors/dedup/dedup_window.hpp): per sender (appID + userID, or
  // appID for HTTP callers) and in all, per sending behaviour. Past a bound the oldest
  // entries go first (a retry of such an old message is delivered again).
  uint32_t dedup_max_per_sender = 1024;               // entries per sender
  uint32_t dedup_max_bytes = 64u * 1024 * 1024;       // bytes in all, per behaviour
  // Largest `msg` text a send accepts (1001 above it). A push must fit into every
  // recipient's write queue, so this stays well below write_queue_limit_bytes.
  uint32_t max_message_bytes = 32 * 1024;
  // Per client address (the socket's peer: behind a proxy, the proxy): WebSocket connections
  // not yet logged in, and upgrades per second (as many at once); past either the upgrade
  // gets 429. 0: no cap.
  uint32_t max_anonymous_per_address = 256;
  uint32_t upgrades_per_address_per_second = 100;
  uint32_t max_connections_per_user = 32;  // per node; a login past it is answered 1009
  uint32_t max_groups_per_user = 256;    // groups one user may be in (1006 past it)
  uint32_t max_groups_per_app = 100000;  // groups with members per appID (1006 past it)
  // Supervision: a crashed behaviour actor is restarted at most behaviour_max_restarts times
  // within behaviour_restart_window seconds; past that its cmd answers 1004.
  uint32_t behaviour_max_restarts = 5;
  uint32_t behaviour_restart_window = 10;
  // `users` and /user/list answer at most this many ids per page (limit and cursor).
  uint32_t user_list_page = 1000;
  // Message storage (docs/storage.md): "memory" keeps history and offline messages in the
  // node (bounded, lost on restart); "redis" keeps them in Redis Streams, for every node of
  // a cluster (needs `redis`; cluster/store/redis_store.hpp); "off" stores nothing (no ids,
  // no history, a message to an offline user is not kept).
  std::string store = "memory";
  uint32_t history_private_window = 1000;  // messages kept per private pair
  uint32_t history_group_window = 1000;    // per group
  uint32_t history_room_window = 200;      // per appID's room (sendAll)
  uint32_t history_max_age = 7 * 86400;    // seconds; older ones go
  uint64_t history_max_bytes = 256ull << 20;  // all stored messages together
  uint32_t offline_per_user = 10000;        // messages kept for one offline user
  uint32_t offline_max = 1000000;           // kept for all offline users together
  uint32_t profiles_max = 1000000;          // profiles a node keeps in memory (not store: redis)
  uint32_t memberships_max = 1000000;       // users whose groups a node keeps in memory (idem)
  std::vector<uint32_t> app_ids;      // served appIDs; empty: any appID from 1 to 2^31-1
  std::vector<std::string> allowed_origins;  // empty: any Origin
  std::string log_level = "info";
  uint32_t io_threads = 1;
  // CAF scheduler threads; 0: one per hardware thread left after io_threads (at least 1).
  // More threads than cores only add polling and context switches (see docs/tuning.md).
  uint32_t actor_threads = 0;
  // How long an idle CAF worker sleeps between looks at its queue once it has been idle a
  // while (CAF's work-stealing "relaxed" sleep, 10 ms by default in CAF). A message that lands
  // on a sleeping worker waits up to this long; shorter costs idle CPU.
  uint32_t actor_idle_sleep_us = 1000;
  // Before that sleep, an idle CAF worker polls its queue this many times 50 us apart (CAF's
  // work-stealing "moderate" phase: 500 polls, 25 ms, by default in CAF). Each poll is a
  // context switch that competes with the I/O thread for the cores; see docs/tuning.md.
  uint32_t actor_idle_polls = 1;
  // CAF scheduler policy: "stealing" (work stealing; idle workers spin-poll before sleeping)
  // or "sharing" (one queue, workers sleep on a condition variable).
  std::string actor_scheduler = "stealing";
  uint32_t shutdown_grace = 3;        // seconds to wait for close handshakes at shutdown
  std::string webui_dir = "webui";
  // Presence policy (docs/protocol.md "Presence"): "MODE[,APPID=MODE...]", the first item
  // for every app, the others per app. MODE is
  //  - auto: `enter`/`exit` to every other user while the app has at most presence_list_max
  //    users online here (the original protocol), counts above (an `online` push at most
  //    every presence_interval_ms), lists again below 3/4 of it;
  //  - list: always `enter`/`exit` (O(users) per login, O(users^2) to fill a room);
  //  - count: only `online` counts; - off: nothing pushed.
  // Clients that send `presence {subscribe: true}` get batched deltas whatever the mode.
  std::string presence = "auto";
  uint32_t presence_list_max = 500;
  uint32_t presence_interval_ms = 1000;
  // false: as `presence: off` for every app (the older switch; kept for existing setups).
  bool presence_pushes = true;
  // Operator statistics (docs/observability.md): every actor_stats_ms the node samples its
  // hot actors (messages handled per second, mailbox depth); commands record their latency.
  // 0 turns both off.
  uint32_t actor_stats_ms = 1000;

  // --- cluster (docs/cluster.md). Empty `redis`: one node alone, as without a cluster. ---
  std::vector<std::string> redis;  // HOST:PORT of each Redis shard; keys spread by hash
  std::string grpc_listen;         // HOST:PORT for node-to-node gRPC (required with redis)
  std::string grpc_advertise;      // HOST:PORT peers dial; empty: grpc_listen
  std::string public_address;      // HOST:PORT clients reach this node at; empty: listen
  std::string cluster_secret;      // required of peers in gRPC metadata when set
  uint32_t node_ttl_ms = 10000;           // registry entry TTL: past it a node is dead
  uint32_t node_refresh_ms = 3000;        // how often a node refreshes its registry entry
  uint32_t directory_ttl_ms = 120000;     // user/group directory entry TTL
  uint32_t directory_cache_ms = 30000;    // how long a lookup is cached (pub/sub invalidates)
  uint32_t peer_queue_bytes = 8u << 20;   // per peer link: bytes queued or in flight
  uint32_t peer_timeout_ms = 2000;        // a forwarded message not answered by then fails

  bool clustered() const { return !redis.empty(); }

  bool auth_enabled() const { return !auth_secret.empty(); }
  bool tls_enabled() const { return !tls_cert.empty(); }
  // Whether clients of `app_id` may send to everyone in their app (client_send_all).
  bool client_may_send_all(uint32_t app_id) const;
  // The presence mode of `app_id` (presence, presence_pushes).
  presence_mode presence_of(uint32_t app_id) const;
  bool serves_app(uint32_t app_id) const;
  bool origin_allowed(const std::string& origin) const;
  bool host_allowed(std::string_view host_header) const;
};

// The result of reading the command line: a config, or a message for the user.
struct config_result {
  std::optional<node_config> config;
  std::string error;     // set when config is empty and help is false
  bool help = false;     // --help was given
};

// Builds a node_config from defaults, the file named by --config (if any) and the flags.
// Never throws; errors name the offending flag, key or value.
config_result parse_config(const std::vector<std::string>& args);

// Reads a JSON config file's content on top of the defaults (no flags).
config_result parse_config_text(const std::string& json_text);

// Text for `parley --help`: every flag with its default.
std::string config_help();

}  // namespace parley
