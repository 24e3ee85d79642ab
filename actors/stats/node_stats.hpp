// node_stats: the node's counters and gauges, declared once, read by /system/state and
// /metrics without a round trip through any actor.
//
// Counters are named <component>.<thing>_<event>_total in the exported forms; gauges go up
// when a thing is created and down when it is destroyed (live_gauge does both, RAII).
// Relaxed atomics: figures are for operators, not for synchronisation.
#pragma once

#include "actors/stats/actor_samples.hpp"
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace parley {

// Why a WebSocket connection ended. Each has a counter and (for server-initiated closes)
// the close code sent to the client.
enum class close_reason : uint8_t {
  client,        // the client closed or the socket dropped
  timeout,       // no login within login_timeout, or no frame within heartbeat_timeout
  slow_reader,   // the write queue passed write_queue_limit_bytes: close 1008
  oversize,      // a frame over max_frame_bytes: close 1009
  error,         // a protocol or I/O error
  shutdown,      // the node is stopping: close 1001
  kicked,        // closed by an operator or API call
  rate_limited,  // more than frame_strikes frames refused by the frame rate limit: close 1008
  drained,       // DrainNode: close 1001 with a reconnect hint, the client goes elsewhere
  count_,
};

const char* to_string(close_reason reason);
uint16_t close_code(close_reason reason);

enum class actor_kind : uint8_t { node, connection, user, group, behaviour, count_ };
const char* to_string(actor_kind kind);

struct node_stats {
  using counter = std::atomic<uint64_t>;
  using gauge = std::atomic<int64_t>;

  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  gauge connections{0};        // open WebSocket sessions
  counter connections_opened_total{0};
  std::array<counter, static_cast<size_t>(close_reason::count_)> closes_total{};
  counter upgrades_rejected_total{0};   // 503: max_connections reached
  counter upgrades_forbidden_total{0};  // 403: bad token or origin
  counter logins_total{0};
  counter login_failures_total{0};

  std::array<gauge, static_cast<size_t>(actor_kind::count_)> actors{};

  counter frames_in_total{0};
  counter frames_out_total{0};
  counter bytes_in_total{0};
  counter bytes_out_total{0};
  counter pushes_delivered_total{0};  // push frames queued to a socket
  counter pushes_dropped_total{0};    // push frames for a socket that was closing
  counter pushes_deduplicated_total{0};  // live copies of what a group recovery delivered
  counter deflate_runs_total{0};      // frames compressed (once per push and I/O thread)
  counter frames_deflated_total{0};   // frames queued compressed (permessage-deflate)
  counter deflate_saved_bytes_total{0};  // payload bytes those frames saved
  counter bad_requests_total{0};      // frames answered with 1001/1010
  counter rate_limited_total{0};      // frames answered with 1011 (frame rate limit)
  counter upgrades_throttled_total{0}; // upgrades answered 429 (per-address caps)
  counter hosts_refused_total{0};     // HTTP requests refused for their Host header (403)
  counter http_requests_total{0};
  gauge http_requests_active{0};        // HTTP requests being answered (max_http_requests)
  counter http_requests_refused_total{0};  // 503: max_http_requests reached
  // Connections cut at handshake_timeout before their request (or TLS handshake) was complete:
  // slow-loris clients that dribble bytes, and sockets that never send anything.
  counter handshake_timeouts_total{0};
  counter http_idle_closed_total{0};    // keep-alive connections closed after http_keepalive_timeout
  counter tls_handshakes_total{0};
  counter tls_handshake_failures_total{0};
  counter behaviour_restarts_total{0};  // behaviour actors restarted after a crash
  actor_samples samples;  // the hot actors, every actor_stats_ms (actors/stats/actor_samples.hpp)

  gauge& live(actor_kind kind) { return actors[static_cast<size_t>(kind)]; }
  counter& closes(close_reason r) { return closes_total[static_cast<size_t>(r)]; }
  double uptime_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
};

// Holds one unit of a gauge for its lifetime (put it in an actor's state).
class live_gauge {
 public:
  live_gauge() = default;
  explicit live_gauge(node_stats::gauge& g) : gauge_(&g) { gauge_->fetch_add(1); }
  live_gauge(live_gauge&& other) noexcept : gauge_(other.gauge_) { other.gauge_ = nullptr; }
  live_gauge& operator=(live_gauge&& other) noexcept {
    if (this != &other) {
      release();
      gauge_ = other.gauge_;
      other.gauge_ = nullptr;
    }
    return *this;
  }
  live_gauge(const live_gauge&) = delete;
  live_gauge& operator=(const live_gauge&) = delete;
  ~live_gauge() { release(); }

 private:
  void release() {
    if (gauge_) gauge_->fetch_sub(1);
    gauge_ = nullptr;
  }
  node_stats::gauge* gauge_ = nullptr;
};

}  // namespace parley
