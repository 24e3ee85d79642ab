// recipient_lanes: one queue per recipient of asynchronous delivery steps, run one at a time
// in arrival order. sendMessage with store: redis delivers through up to three round trips
// (the other nodes, a keep, a retry after a login raced the keep); without a lane, a later
// message could pass an earlier one that is still being kept or retried, and a user would see
// a conversation out of order. Lanes exist only while a recipient has something in flight.
// Used inside one actor (no locking). Each step must call its `done` exactly once, later
// (from a response handler): a step that finished synchronously would recurse.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <unordered_map>

namespace parley::behaviours {

class recipient_lanes {
 public:
  using done_fn = std::function<void()>;
  using step = std::function<void(done_fn done)>;

  // Runs `s` once every step queued before it for `key` has called done.
  void run(const std::string& key, step s) {
    auto& lane = lanes_[key];
    lane.push_back(std::move(s));
    if (lane.size() == 1) start(key, lane);
  }

  size_t busy() const { return lanes_.size(); }

 private:
  void start(const std::string& key, std::deque<step>& lane) {
    lane.front()([this, key] { finish(key); });
  }
  void finish(const std::string& key) {
    auto it = lanes_.find(key);
    if (it == lanes_.end()) return;
    it->second.pop_front();
    if (it->second.empty())
      lanes_.erase(it);
    else
      start(key, it->second);
  }

  std::unordered_map<std::string, std::deque<step>> lanes_;
};

}  // namespace parley::behaviours
