#include "actors/dedup/dedup_window.hpp"

namespace parley {

dedup_window::dedup_window(std::chrono::seconds window, size_t max_per_sender, size_t max_bytes)
    : window_(window), max_per_sender_(max_per_sender), max_bytes_(max_bytes) {}

void dedup_window::erase(entry_list::iterator it) {
  auto s = senders_.find(it->sender);
  bytes_ -= entry_bytes(it->sender, it->msg_id, it->result);
  s->second.ids.erase(it->msg_id);
  s->second.order.pop_front();
  if (s->second.order.empty()) senders_.erase(s);
  entries_.erase(it);
}

void dedup_window::erase_oldest_of(const std::string& sender) {
  auto s = senders_.find(sender);
  if (s != senders_.end() && !s->second.order.empty()) erase(s->second.order.front());
}

void dedup_window::expire(clock::time_point now) {
  // The oldest entry of all is also the oldest of its sender, so erase() may take it.
  while (!entries_.empty() && entries_.front().at + window_ <= now) erase(entries_.begin());
}

const std::string* dedup_window::find(const std::string& sender, const std::string& msg_id,
                                      clock::time_point now) {
  expire(now);
  auto s = senders_.find(sender);
  if (s == senders_.end()) return nullptr;
  auto it = s->second.ids.find(msg_id);
  return it == s->second.ids.end() ? nullptr : &it->second->result;
}

void dedup_window::record(const std::string& sender, const std::string& msg_id,
                          std::string result, clock::time_point now) {
  if (window_.count() == 0) return;
  expire(now);
  auto& s = senders_[sender];
  if (s.ids.count(msg_id)) return;
  auto it = entries_.insert(entries_.end(), entry{now, sender, msg_id, std::move(result)});
  s.ids.emplace(msg_id, it);
  s.order.push_back(it);
  bytes_ += entry_bytes(it->sender, it->msg_id, it->result);
  if (s.order.size() > max_per_sender_) erase_oldest_of(sender);
  while (bytes_ > max_bytes_ && !entries_.empty()) erase(entries_.begin());
}

}  // namespace parley
