// dedup_window: remembers keys (sender + msgID) for a fixed time, so a retried send is
// acknowledged but not delivered twice. Plain class, no CAF; one per sending actor.
//
// Memory is bounded by `max_entries`: past it the oldest keys are forgotten early (a retry
// of such an old message would be delivered again; the bound is named so it can be sized).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>

namespace parley {

class dedup_window {
 public:
  using clock = std::chrono::steady_clock;

  dedup_window(std::chrono::seconds window, size_t max_entries = 1'000'000);

  // True the first time `key` is seen within the window (and records it); false for a
  // repeat. Amortised O(1): expired entries are dropped as time moves on.
  bool first_time(const std::string& key, clock::time_point now);

  size_t size() const { return seen_.size(); }

 private:
  void expire(clock::time_point now);

  std::chrono::seconds window_;
  size_t max_entries_;
  std::unordered_map<std::string, clock::time_point> seen_;
  std::deque<std::pair<clock::time_point, std::string>> order_;  // oldest first
};

}  // namespace parley
