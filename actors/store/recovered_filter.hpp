// recovered_filter: drops the live pushes that a group recovery has delivered already.
//
// A login with `since: {"g:<group>": id}` joins the group first, then reads what followed
// `id` from the store, and hands both to the socket in one step (connection_sink::release):
// the recovered messages first, then what arrived live meanwhile. A message stored before
// the read but pushed by its group only after the join comes both ways; this filter lets the
// second copy through never. It matches `msg` pushes by group, server id, sender and msgID,
// each recovered message once, and it ends after `lifetime` (a copy later than that, a
// cluster peer delayed past it, comes twice: docs/storage.md) or when every recovered
// message has been matched. Thread-safe: the group actors that push run on any worker.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "actors/store/message_store.hpp"

namespace parley {

class recovered_filter {
 public:
  using clock = std::chrono::steady_clock;

  explicit recovered_filter(clock::duration lifetime);

  // One message of `group` that the recovery delivers.
  void add(const std::string& group, const stored_message& m);
  bool empty() const;

  // False when `frame` is the live copy of a recovered message (it is then forgotten).
  bool pass(const std::string& frame);
  // Past its lifetime, or nothing left to match: the socket forgets the filter.
  bool expired() const;

 private:
  static std::string key(const std::string& id, const std::string& from, const std::string& msg_id);

  mutable std::mutex mutex_;
  clock::time_point until_;
  // group -> key(id, from, msgID) of each recovered message not yet seen live
  std::unordered_map<std::string, std::unordered_set<std::string>> recovered_;
  size_t left_ = 0;
};

using recovered_filter_ptr = std::shared_ptr<recovered_filter>;

}  // namespace parley
