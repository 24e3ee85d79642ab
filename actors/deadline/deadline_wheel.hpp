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
// A weak reference still keeps the dead actor's memory block (~1.5 KB for a connection)
// until it is dropped, so the entry of an actor that quits is cancelled (cancel_atom: the
// node sends it when it sees the connection's down_msg): without that, every connection that came and went stayed in memory
// until its heartbeat deadline, minutes later. Each actor has at most one entry; adding
// again moves it. Memory: one vector slot and one hash node (~48 bytes) per entry.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace parley {

class deadline_buckets {
 public:
  using clock = std::chrono::steady_clock;

  explicit deadline_buckets(clock::duration resolution) : resolution_(resolution) {}

  // Files `who` under the first bucket that ends at or after `when`, replacing an entry
  // `who` already had. Amortised O(log buckets).
  void add(clock::time_point when, caf::actor_addr who) {
    remove(who);
    auto ticks = when.time_since_epoch() / resolution_;
    if (when.time_since_epoch() % resolution_ != clock::duration::zero()) ++ticks;
    auto& bucket = buckets_[ticks];
    index_[who] = {ticks, bucket.size()};
    bucket.push_back(std::move(who));
  }

  // Drops the entry of `who`, if any. O(1) on average (the bucket's last entry takes its slot).
  bool remove(const caf::actor_addr& who) {
    auto it = index_.find(who);
    if (it == index_.end()) return false;
    auto [ticks, pos] = it->second;
    index_.erase(it);
    auto bucket = buckets_.find(ticks);
    auto& v = bucket->second;
    if (pos + 1 != v.size()) {
      v[pos] = std::move(v.back());
      index_[v[pos]].second = pos;
    }
    v.pop_back();
    if (v.empty()) buckets_.erase(bucket);
    return true;
  }

  // Removes and returns every entry whose bucket ended at or before `now`.
  std::vector<caf::actor_addr> take_due(clock::time_point now) {
    std::vector<caf::actor_addr> out;
    auto last = now.time_since_epoch() / resolution_;
    auto it = buckets_.begin();
    for (; it != buckets_.end() && it->first <= last; ++it)
      for (auto& who : it->second) {
        index_.erase(who);
        out.push_back(std::move(who));
      }
    buckets_.erase(buckets_.begin(), it);
    return out;
  }

  // Entries waiting.
  size_t size() const { return index_.size(); }

 private:
  clock::duration resolution_;
  std::map<int64_t, std::vector<caf::actor_addr>> buckets_;
  std::unordered_map<caf::actor_addr, std::pair<int64_t, size_t>> index_;  // -> bucket, slot
};

struct deadline_state {
  deadline_buckets buckets{std::chrono::seconds(1)};
  static inline const char* name = "parley.deadlines";
};

caf::behavior deadline_wheel(caf::stateful_actor<deadline_state>* self,
                             std::chrono::milliseconds resolution);

}  // namespace parley
