// recent_closes: the last N WebSocket closes with their reason, for the operator console.
// A fixed ring under a mutex: one short critical section per close, none per frame.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "actors/stats/node_stats.hpp"

namespace parley {

struct close_record {
  int64_t time_ms = 0;      // unix milliseconds
  std::string conn_id;
  std::string remote;
  close_reason reason = close_reason::client;
  double seconds_open = 0;
};

class recent_closes {
 public:
  explicit recent_closes(size_t capacity = 50) : capacity_(capacity) {}

  void add(close_record record);
  // Newest first.
  std::vector<close_record> snapshot() const;

 private:
  size_t capacity_;
  mutable std::mutex mtx_;
  std::deque<close_record> records_;
};

}  // namespace parley
