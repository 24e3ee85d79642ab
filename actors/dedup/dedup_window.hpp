// dedup_window: an idempotency window for sends. Plain class, no CAF; one per sending
// behaviour.
//
// A sender (appID + userID for WebSocket senders, appID alone for the HTTP API) that sends
// a msgID again within `window` seconds gets the first accepted attempt's result back
// instead of a second delivery, as an idempotency key works (Stripe, Centrifugo). Only
// accepted sends are recorded (record()): a retry after a refusal (1003, 1004) or after
// `delivered:false` is a new attempt.
//
// Bounds, so that no sender can crowd out the others and memory stays known:
//  - per sender, at most `max_per_sender` entries: past it that sender's oldest go first;
//  - in all, at most `max_bytes` (entry_bytes() each): past it the oldest entries of all go.
// A retry of an entry that went early is delivered again. Memory per entry: entry_bytes()
// = the sender key, the msgID and the stored result, plus ~200 bytes of list and hash-map
// nodes (measured layout: 3 strings of 32, a time point, two hash nodes, a deque slot).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <string>
#include <unordered_map>

namespace parley {

class dedup_window {
 public:
  using clock = std::chrono::steady_clock;

  // Fixed overhead counted per entry besides its strings (see the header comment).
  static constexpr size_t entry_overhead = 200;

  dedup_window(std::chrono::seconds window, size_t max_per_sender = 1024,
               size_t max_bytes = 64u << 20);

  // The result recorded for (sender, msg_id) within the window, or nullptr. The pointer is
  // valid until the next call that changes the window. Amortised O(1).
  const std::string* find(const std::string& sender, const std::string& msg_id,
                          clock::time_point now);

  // Records an accepted send and its result (a repeat replaces nothing: the first wins).
  // No-op when the window is 0 s. Amortised O(1).
  void record(const std::string& sender, const std::string& msg_id, std::string result,
              clock::time_point now);

  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }
  static size_t entry_bytes(const std::string& sender, const std::string& msg_id,
                            const std::string& result) {
    return entry_overhead + sender.size() + msg_id.size() + result.size();
  }

 private:
  struct entry {
    clock::time_point at;
    std::string sender;
    std::string msg_id;
    std::string result;
  };
  using entry_list = std::list<entry>;
  struct sender_window {
    std::unordered_map<std::string, entry_list::iterator> ids;
    std::deque<entry_list::iterator> order;  // this sender's entries, oldest first
  };

  void expire(clock::time_point now);
  void erase_oldest_of(const std::string& sender);  // that sender's oldest entry
  void erase(entry_list::iterator it);              // must be its sender's oldest

  std::chrono::seconds window_;
  size_t max_per_sender_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  entry_list entries_;  // all entries, oldest first (a sender's order is a subsequence)
  std::unordered_map<std::string, sender_window> senders_;
};

}  // namespace parley
