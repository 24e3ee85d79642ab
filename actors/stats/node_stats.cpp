#include "actors/stats/node_stats.hpp"

namespace parley {

const char* to_string(close_reason reason) {
  switch (reason) {
    case close_reason::client: return "client";
    case close_reason::timeout: return "timeout";
    case close_reason::slow_reader: return "slow_reader";
    case close_reason::oversize: return "oversize";
    case close_reason::error: return "error";
    case close_reason::shutdown: return "shutdown";
    case close_reason::kicked: return "kicked";
    case close_reason::rate_limited: return "rate_limited";
    case close_reason::drained: return "drained";
    case close_reason::count_: break;
  }
  return "unknown";
}

uint16_t close_code(close_reason reason) {
  switch (reason) {
    case close_reason::slow_reader: return 1008;  // policy violation
    case close_reason::rate_limited: return 1008;
    case close_reason::oversize: return 1009;     // message too big
    case close_reason::kicked: return 4001;       // an operator's kick (application range)
    case close_reason::shutdown: return 1001;     // going away
    case close_reason::drained: return 1001;      // going away: reconnect elsewhere
    case close_reason::error: return 1011;        // internal error
    default: return 1000;                         // normal closure
  }
}

const char* to_string(actor_kind kind) {
  switch (kind) {
    case actor_kind::node: return "node";
    case actor_kind::connection: return "connection";
    case actor_kind::user: return "user";
    case actor_kind::group: return "group";
    case actor_kind::behaviour: return "behaviour";
    case actor_kind::count_: break;
  }
  return "unknown";
}

}  // namespace parley
