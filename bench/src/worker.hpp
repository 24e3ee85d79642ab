// worker: one client process's share of a benchmark (connections [begin, end)).
//
// Protocol with the parent, one line each on stdout/stdin:
//   READY <json>      all of this worker's connections are logged in (and joined)
//   GO                (stdin) start the timed phase now
//   PROGRESS <json>   once a second
//   RESULT <json>     counts, per-sender tallies and latency histograms; then it exits
#pragma once

#include "bench/src/options.hpp"

namespace parley::bench {

int run_worker(const options& o);

// Global roles, shared by worker and parent.
inline bool is_sender(const options& o, uint32_t i) {
  if (o.scenario == "fanout") return i < o.senders;
  if (o.scenario == "pairs" || o.scenario == "churn") return i % 2 == 0;
  return false;
}
inline uint32_t total_senders(const options& o) {
  if (o.scenario == "fanout") return o.senders;
  if (o.scenario == "pairs" || o.scenario == "churn") return o.connections / 2;
  return 0;
}

}  // namespace parley::bench
