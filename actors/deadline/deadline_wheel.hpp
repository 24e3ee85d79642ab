// deadline_wheel: one node-wide actor that wakes other actors at coarse deadlines.
//
// Each connection has a login deadline and a heartbeat deadline. A CAF delayed_send per
// connection goes through CAF's clock thread: a mutex, a condition-variable wake-up of that
// thread and, when the actor quits, another one to cancel, which made the clock thread a
// visible cost of every new connection. Instead a connection sends (at_atom, when, itself)
// to this actor, a plain mailbox message. The wheel keeps actors in buckets of `resolution`
// and, once per resolution, sends tick_atom to every actor whose bucket is due. An actor
// checks its real deadlines on the tick and registers again if none has passed, so a tick
// may come up to one resolution late, never early.
//
// Actors are held by address (weak), so a closed connection is not kept alive by its entry.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace parley {

class deadline_buckets {
 public:
  using clock = std::chrono::steady_clock;

  explicit deadline_buckets(clock::duration resolution) : resolution_(resolution) {}

  // Files `who` under the first bucket that ends at or after `when`.
  void add(clock::time_point when, caf::actor_addr who) {
    auto ticks = when.time_since_epoch() / resolution_;
    if (when.time_since_epoch() % resolution_ != clock::duration::zero()) ++ticks;
    buckets_[ticks].push_back(std::move(who));
  }

  // Removes and returns every entry whose bucket ended at or before `now`.
  std::vector<caf::actor_addr> take_due(clock::time_point now) {
    std::vector<caf::actor_addr> out;
    auto last = now.time_since_epoch() / resolution_;
    auto it = buckets_.begin();
    for (; it != buckets_.end() && it->first <= last; ++it)
      for (auto& who : it->second) out.push_back(std::move(who));
    buckets_.erase(buckets_.begin(), it);
    return out;
  }

  // Entries waiting (walks the buckets; for tests and diagnostics).
  size_t size() const {
    size_t n = 0;
    for (const auto& bucket : buckets_) n += bucket.second.size();
    return n;
  }

 private:
  clock::duration resolution_;
  std::map<int64_t, std::vector<caf::actor_addr>> buckets_;
};

struct deadline_state {
  deadline_buckets buckets{std::chrono::seconds(1)};
  static inline const char* name = "parley.deadlines";
};

caf::behavior deadline_wheel(caf::stateful_actor<deadline_state>* self,
                             std::chrono::milliseconds resolution);

}  // namespace parley
