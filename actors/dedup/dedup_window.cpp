#include "actors/dedup/dedup_window.hpp"

namespace parley {

dedup_window::dedup_window(std::chrono::seconds window, size_t max_entries)
    : window_(window), max_entries_(max_entries) {}

void dedup_window::expire(clock::time_point now) {
  while (!order_.empty() &&
         (order_.front().first + window_ <= now || order_.size() > max_entries_)) {
    auto it = seen_.find(order_.front().second);
    if (it != seen_.end() && it->second == order_.front().first) seen_.erase(it);
    order_.pop_front();
  }
}

bool dedup_window::first_time(const std::string& key, clock::time_point now) {
  expire(now);
  if (window_.count() == 0) return true;
  auto [it, inserted] = seen_.try_emplace(key, now);
  if (!inserted) return false;
  order_.emplace_back(now, key);
  if (order_.size() > max_entries_) expire(now);
  return true;
}

}  // namespace parley
