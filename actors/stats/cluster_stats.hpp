// cluster_stats: the cluster's counters (cluster/ writes them), read by /metrics and
// /system/state. Plain atomics (no Redis or gRPC type, so the gateway reads them too),
// written by the cluster actor, the peer links and the inbound streams; relaxed order.

#pragma once

#include <atomic>
#include <cstdint>

namespace parley::cluster {

struct cluster_stats {
  std::atomic<uint64_t> redis_disconnects_total{0};
  std::atomic<uint64_t> redis_commands_total{0};
  std::atomic<uint32_t> redis_shards_up{0};
  std::atomic<uint32_t> redis_shards{0};
  std::atomic<uint64_t> cache_hits_total{0};
  std::atomic<uint64_t> cache_misses_total{0};
  std::atomic<uint64_t> cache_invalidations_total{0};
  std::atomic<uint64_t> peer_forwards_total{0};      // requests written to peer streams
  std::atomic<uint64_t> peer_drops_total{0};         // refused: a peer's queue was full
  std::atomic<uint64_t> peer_timeouts_total{0};      // not answered within peer_timeout_ms
  std::atomic<uint64_t> peer_failures_total{0};      // failed with their stream
  std::atomic<uint64_t> peer_reconnects_total{0};    // streams opened again after a break
  std::atomic<uint64_t> peer_channel_resets_total{0};  // channels replaced: stuck unconnected
  std::atomic<uint64_t> peer_refused_total{0};       // inbound streams without the secret
  std::atomic<uint64_t> peer_requests_served_total{0};
  std::atomic<uint32_t> live_nodes{0};               // this one included
  std::atomic<uint32_t> peers_connected{0};
  std::atomic<uint64_t> directory_republished_total{0};  // entries written again after Redis returned
  // store: redis (cluster/store/redis_store)
  std::atomic<uint64_t> store_appends_total{0};   // messages stored
  std::atomic<uint64_t> store_failures_total{0};  // writes or reads the store could not do
  std::atomic<uint64_t> store_kept_total{0};      // messages kept for offline users
  std::atomic<uint64_t> store_taken_total{0};     // kept messages handed to a login
};

}  // namespace parley::cluster
