// connection_actor: one per WebSocket connection.
//
// Owns the connection's state (conn id, remote address, login, last activity), turns each
// text frame into a command for the behaviour registered under its cmd, and writes the reply
// and every push through its connection_sink. Commands of one connection run one at a time,
// in arrival order: a pipelined `join` then `sendGroup` (or `login` then anything) behaves as
// if sent one after another. Frames that arrive meanwhile wait in `deferred`, which the
// session bounds to max_inflight_frames by pausing its reads.
//
// Closes the socket when no login arrives within login_timeout or no frame within
// heartbeat_timeout. Quits when the session reports the socket gone (closed_atom); its user
// actor watches it and forgets it then.
#pragma once

#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include <caf/all.hpp>

#include "actors/connection/rate_limiter.hpp"
#include "actors/connection/connection_sink.hpp"
#include "actors/messages.hpp"
#include "actors/node/node_interface.hpp"
#include "actors/stats/node_stats.hpp"

namespace parley {

struct node_config;

struct connection_setup {
  std::string conn_id;
  std::string remote;
  sink_ptr sink;
  node_handle node;
  registry_ptr registry;
  std::shared_ptr<const node_config> config;
  node_stats* stats = nullptr;
  std::optional<std::pair<uint32_t, std::string>> preauth;
  caf::actor deadlines;  // the node's deadline_wheel (actors/deadline)
};

struct connection_state {
  using clock = std::chrono::steady_clock;
  connection_setup setup;
  std::optional<login_info> login;
  bool busy = false;                  // a command is with its behaviour
  clock::time_point busy_since;       // when it was handed over
  std::list<std::string> deferred;    // frames waiting for it (a list: empty costs nothing)
  clock::time_point connected_at;
  clock::time_point last_activity;
  bool closing = false;
  rate_limiter limiter;  // frame_rate / frame_burst / frame_strikes
  live_gauge live;
  static inline const char* name = "parley.connection";
};

caf::behavior connection_actor(caf::stateful_actor<connection_state>* self,
                               connection_setup setup);

}  // namespace parley
