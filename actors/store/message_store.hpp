// message_store: what was said (each conversation's recent messages: history) and what a user
// has not received yet (offline delivery). The in-memory store of a node without Redis:
// bounded, and lost on restart (docs/storage.md). Plain class, no CAF; shared by the sending
// behaviours, `history` and the node (logins), so every method is thread-safe.
//
// Bounds, so that memory stays known:
//  - per conversation, the newest `window` messages of its kind, none older than max_age_s;
//  - in all, `max_bytes` (stored_message::bytes() each): past it the oldest messages of all
//    conversations go first;
//  - per user, `offline_per_user` kept messages (past it the user's oldest go), and
//    `offline_max` kept in all (past it a message is not kept: the sender is told).
// A kept message stays alive while it waits, also when history has dropped it already.
//
// Offline delivery is exactly once and in order on one node: deliver_or_keep() and
// hand_over() run under one lock, so a message either reaches a socket of the user or is
// kept, and a login takes what was kept and becomes deliverable in one step: nothing sent
// meanwhile can pass the kept messages or fall between the two.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/messages.hpp"
#include "actors/protocol/pushes.hpp"
#include "actors/store/conversation.hpp"
#include "actors/store/recovery.hpp"

namespace parley {

struct node_config;

struct stored_message {
  message_id id;
  protocol::chat_message message;  // time_ms is the id's time, id its text
  frame_ptr frame;                 // the `msg` push, id and time included

  // What one costs: the push, the texts, and the record with its list slots (measured
  // layout, docs/storage.md).
  size_t bytes() const;
};
using stored_ptr = std::shared_ptr<const stored_message>;

struct store_limits {
  uint32_t private_window = 1000;  // messages per private pair
  uint32_t group_window = 1000;    // per group
  uint32_t room_window = 200;      // per appID's room (sendAll)
  uint32_t max_age_s = 7 * 86400;  // older ones go, from history and from what is kept
  uint64_t max_bytes = 256ull << 20;
  uint32_t offline_per_user = 10000;
  uint32_t offline_max = 1000000;
};

// The bounds `config` names (history_*, offline_*).
store_limits store_limits_of(const node_config& config);

class message_store {
 public:
  using clock = std::chrono::system_clock;

  explicit message_store(store_limits limits);

  // Stores `m` (its time is set to the new id's) and encodes its push once.
  stored_ptr append(const conversation& conv, protocol::chat_message m);
  // Forgets one message (a send refused after it was stored). Returns true if it was there.
  bool erase(const conversation& conv, const message_id& id);

  struct page {
    std::vector<stored_ptr> messages;  // newest first
    bool more = false;                 // older ones remain
  };
  // Messages older than `before` (all when nullopt), newest first, at most `limit`.
  page history(const conversation& conv, const std::optional<message_id>& before,
               size_t limit) const;

  enum class outcome { delivered, kept, not_kept };
  // Runs `deliver()` (returns the sockets it reached); if it reached none, keeps `m` for
  // `user` (a scoped user key). Under the offline lock: see the header comment.
  template <class Deliver>
  outcome deliver_or_keep(const std::string& user, const stored_ptr& m, Deliver&& deliver) {
    std::lock_guard<std::mutex> guard(offline_mutex_);
    if (deliver() > 0) return outcome::delivered;
    return keep_locked(user, m) ? outcome::kept : outcome::not_kept;
  }
  // Takes what was kept for `user`, oldest first and not expired, and passes it to
  // `attach(messages)`, which queues them on the new socket and makes it deliverable. With
  // `since` (a client recovering), the messages after each of its ids come too, from
  // history, each once (a kept one is not repeated), in id order per conversation; its
  // entries' `recovered` and `delivered` are set.
  template <class Attach>
  void hand_over(const std::string& user, Attach&& attach, recovery* since = nullptr) {
    std::lock_guard<std::mutex> guard(offline_mutex_);
    auto kept = take_locked(user);
    kept = unread_only_locked(user, std::move(kept), since);
    if (since && !since->since.empty()) kept = recover_locked(std::move(kept), *since);
    attach(std::move(kept));
  }

  // The messages of `r.conv` after `r.after` (moved past what `user_id` has read on any
  // device), oldest first; sets `r.recovered` and `r.delivered`. A group's recovery at login
  // (actors/behaviours/login/login.cpp): the socket is held and the user is in the group by
  // then, so what this misses comes live.
  std::vector<stored_ptr> recover(const std::string& user_id, recovery::entry& r) const;

  // Read state, shared by all of a user's devices (`user_id` in `conv`'s app): the newest id
  // they have read there. It never goes back, and only names a stored message's id or older:
  // nullopt when `conv` holds nothing (nothing to acknowledge). Returns the position held.
  std::optional<message_id> ack(const conversation& conv, const std::string& user_id,
                                const message_id& up_to);
  struct unread_count {
    conversation conv;
    uint32_t count = 0;      // newer than the read position, not sent by the user
    message_id newest;
  };
  // The unread counts of every private pair of `user_id` and of `others` (their groups, the
  // room) that has any.
  std::vector<unread_count> unread(uint32_t app_id, const std::string& user_id,
                                   const std::vector<conversation>& others) const;

  struct figures {
    uint64_t conversations = 0, messages = 0, bytes = 0, evicted = 0;
    uint64_t kept = 0, kept_users = 0, kept_dropped = 0;
  };
  figures stats() const;

 private:
  struct entry {
    conversation conv;
    message_id last;
    message_id dropped;               // the newest message that has gone (window, age, bytes)
    std::deque<stored_ptr> messages;  // oldest first
    std::unordered_map<std::string, message_id> read;  // user id -> read up to (ack)
  };
  std::vector<stored_ptr> unread_only_locked(const std::string& user, std::vector<stored_ptr> kept,
                                             recovery* since);
  void forget_locked(const entry& e);
  uint32_t count_unread_locked(const entry& e, const std::string& user_id, message_id& newest) const;
  std::vector<stored_ptr> recover_locked(std::vector<stored_ptr> kept, recovery& since);
  void after_locked(recovery::entry& r, std::vector<stored_ptr>& out) const;
  uint32_t window_of(conversation::kind k) const;
  uint64_t oldest_kept_ms(uint64_t now) const;  // older messages go (max_age_s)
  void trim_locked(entry& e, uint64_t now_ms);
  void drop_front_locked(entry& e);
  bool keep_locked(const std::string& user, const stored_ptr& m);
  std::vector<stored_ptr> take_locked(const std::string& user);

  store_limits limits_;
  mutable std::mutex mutex_;  // conversations
  std::unordered_map<std::string, std::shared_ptr<entry>> conversations_;
  // Every stored message in append order, for the global byte bound.
  std::deque<std::pair<std::shared_ptr<entry>, message_id>> order_;
  uint64_t bytes_ = 0, messages_ = 0, evicted_ = 0;
  // Scoped user key -> the keys of their private pairs that hold messages (for `unread`).
  std::unordered_map<std::string, std::unordered_set<std::string>> pairs_of_;

  mutable std::mutex offline_mutex_;
  std::unordered_map<std::string, std::deque<stored_ptr>> offline_;
  uint64_t kept_ = 0, kept_dropped_ = 0;
};

using message_store_ptr = std::shared_ptr<message_store>;

}  // namespace parley
