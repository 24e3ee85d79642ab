#include "actors/store/message_store.hpp"

#include <algorithm>
#include <iterator>
#include <unordered_set>

#include "config/node_config.hpp"

namespace parley {
namespace {

std::string scoped(uint32_t app_id, const std::string& id) { return std::to_string(app_id) + "/" + id; }

uint64_t now_ms() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   message_store::clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

// The record (id, six strings, the frame's control block), the shared_ptr's block, a slot in
// the conversation's deque and one in the global order, with the allocator's headers: 384
// bytes on x86-64 (libstdc++), plus the texts and the encoded push. Calibrated with
// bench/src/store_memory.cpp (mallinfo2): 660 / 805 / 4,599 bytes in use per message for
// 20 / 100 / 2,000-byte texts, against 660 / 820 / 4,620 counted here.
size_t stored_message::bytes() const {
  const auto& m = message;
  return 384 + (frame ? frame->size() : 0) + m.target.size() + m.type.size() + m.msg.size() +
         m.from.size() + m.msg_id.size() + m.id.size();
}

store_limits store_limits_of(const node_config& c) {
  store_limits l;
  l.private_window = c.history_private_window;
  l.group_window = c.history_group_window;
  l.room_window = c.history_room_window;
  l.max_age_s = c.history_max_age;
  l.max_bytes = c.history_max_bytes;
  l.offline_per_user = c.offline_per_user;
  l.offline_max = c.offline_max;
  return l;
}

message_store::message_store(store_limits limits) : limits_(limits) {}

uint64_t message_store::oldest_kept_ms(uint64_t now) const {
  uint64_t age = limits_.max_age_s * 1000ull;
  return now > age ? now - age : 0;
}

uint32_t message_store::window_of(conversation::kind k) const {
  switch (k) {
    case conversation::kind::pair: return limits_.private_window;
    case conversation::kind::group: return limits_.group_window;
    case conversation::kind::room: break;
  }
  return limits_.room_window;
}

void message_store::drop_front_locked(entry& e) {
  e.dropped = e.messages.front()->id;
  bytes_ -= e.messages.front()->bytes();
  --messages_;
  e.messages.pop_front();
}

void message_store::trim_locked(entry& e, uint64_t now) {
  auto window = window_of(e.conv.what);
  auto oldest = oldest_kept_ms(now);
  while (!e.messages.empty() &&
         (e.messages.size() > window || e.messages.front()->id.ms < oldest))
    drop_front_locked(e);
}

stored_ptr message_store::append(const conversation& conv, protocol::chat_message m) {
  auto now = now_ms();
  std::lock_guard<std::mutex> guard(mutex_);
  auto key = conv.key();
  auto& slot = conversations_[key];
  if (!slot) {
    slot = std::make_shared<entry>(entry{conv, {}, {}, {}, {}});
    if (conv.what == conversation::kind::pair) {
      pairs_of_[scoped(conv.app_id, conv.a)].insert(key);
      pairs_of_[scoped(conv.app_id, conv.b)].insert(key);
    }
  }
  auto& e = *slot;
  message_id id;
  id.ms = std::max(now, e.last.ms);  // a clock that steps back does not reorder
  id.seq = id.ms == e.last.ms && (e.last.ms != 0 || e.last.seq != 0) ? e.last.seq + 1 : 0;
  e.last = id;
  auto stored = std::make_shared<stored_message>();
  stored->id = id;
  m.id = id.str();
  m.time_ms = static_cast<int64_t>(id.ms);
  stored->frame = protocol::encode_message_push(m);
  // The encoder's buffer grew by doubling: a kept message keeps only what it needs.
  if (stored->frame->capacity() > stored->frame->size() + 64)
    stored->frame = std::make_shared<const std::string>(*stored->frame);
  stored->message = std::move(m);
  bytes_ += stored->bytes();
  ++messages_;
  e.messages.push_back(stored);
  order_.emplace_back(slot, id);
  trim_locked(e, now);
  // The global bound: the oldest messages of all go first. Entries in `order_` whose message
  // has gone already (window, age, erase) are skipped; it is compacted when mostly such.
  while (bytes_ > limits_.max_bytes && !order_.empty()) {
    auto [owner, oldest] = order_.front();
    order_.pop_front();
    if (!owner->messages.empty() && owner->messages.front()->id == oldest) {
      drop_front_locked(*owner);
      ++evicted_;
      if (owner->messages.empty() && owner.get() != slot.get()) {
        forget_locked(*owner);
        conversations_.erase(owner->conv.key());
      }
    }
  }
  if (order_.size() > 2 * messages_ + 1024) {
    std::deque<std::pair<std::shared_ptr<entry>, message_id>> live;
    for (auto& [owner, mid] : order_)
      if (!owner->messages.empty() && !(mid < owner->messages.front()->id)) live.emplace_back(owner, mid);
    order_.swap(live);
  }
  return stored;
}

bool message_store::erase(const conversation& conv, const message_id& id) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = conversations_.find(conv.key());
  if (it == conversations_.end()) return false;
  auto& msgs = it->second->messages;
  auto pos = std::find_if(msgs.begin(), msgs.end(), [&](const stored_ptr& s) { return s->id == id; });
  if (pos == msgs.end()) return false;
  bytes_ -= (*pos)->bytes();
  --messages_;
  msgs.erase(pos);
  return true;
}

message_store::page message_store::history(const conversation& conv,
                                           const std::optional<message_id>& before,
                                           size_t limit) const {
  page out;
  auto now = now_ms();
  auto oldest = oldest_kept_ms(now);
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = conversations_.find(conv.key());
  if (it == conversations_.end()) return out;
  const auto& msgs = it->second->messages;
  // Newest first from the first one older than `before`.
  auto end = msgs.end();
  if (before)
    end = std::lower_bound(msgs.begin(), msgs.end(), *before,
                           [](const stored_ptr& s, const message_id& b) { return s->id < b; });
  for (auto rit = std::make_reverse_iterator(end); rit != msgs.rend(); ++rit) {
    if ((*rit)->id.ms < oldest) break;
    if (out.messages.size() == limit) {
      out.more = true;
      break;
    }
    out.messages.push_back(*rit);
  }
  return out;
}

bool message_store::keep_locked(const std::string& user, const stored_ptr& m) {
  if (kept_ >= limits_.offline_max) {
    ++kept_dropped_;
    return false;
  }
  auto& box = offline_[user];
  box.push_back(m);
  ++kept_;
  while (box.size() > limits_.offline_per_user) {
    box.pop_front();
    --kept_;
    ++kept_dropped_;
  }
  return true;
}

std::vector<stored_ptr> message_store::take_locked(const std::string& user) {
  std::vector<stored_ptr> out;
  auto it = offline_.find(user);
  if (it == offline_.end()) return out;
  auto now = now_ms();
  auto oldest = oldest_kept_ms(now);
  out.reserve(it->second.size());
  for (auto& m : it->second) {
    if (m->id.ms >= oldest)
      out.push_back(std::move(m));
    else
      ++kept_dropped_;
  }
  kept_ -= it->second.size();
  offline_.erase(it);
  return out;
}

void message_store::after_locked(recovery::entry& r, std::vector<stored_ptr>& out) const {
  auto it = conversations_.find(r.conv.key());
  if (it == conversations_.end()) {
    // Nothing stored: complete only if nothing was ever held and dropped either (the entry
    // goes with its last message), which the store cannot tell: say so only for a client
    // that had seen nothing.
    r.recovered = r.after == message_id{};
    return;
  }
  const auto& e = *it->second;
  r.recovered = !(r.after < e.dropped);
  auto from = std::upper_bound(e.messages.begin(), e.messages.end(), r.after,
                               [](const message_id& a, const stored_ptr& m) { return a < m->id; });
  r.delivered = static_cast<uint32_t>(e.messages.end() - from);
  out.insert(out.end(), from, e.messages.end());
}

std::vector<stored_ptr> message_store::recover(const std::string& user_id,
                                               recovery::entry& r) const {
  std::vector<stored_ptr> out;
  std::lock_guard<std::mutex> guard(mutex_);
  if (auto it = conversations_.find(r.conv.key()); it != conversations_.end())
    if (auto pos = it->second->read.find(user_id); pos != it->second->read.end() && r.after < pos->second)
      r.after = pos->second;  // what was read on any device counts as seen
  after_locked(r, out);
  return out;
}

std::vector<stored_ptr> message_store::recover_locked(std::vector<stored_ptr> kept,
                                                      recovery& since) {
  std::vector<stored_ptr> recovered;  // from history, after each `since` id
  {
    std::lock_guard<std::mutex> guard(mutex_);
    for (auto& r : since.since) after_locked(r, recovered);
  }
  std::unordered_set<const stored_message*> sent;
  for (const auto& m : recovered) sent.insert(m.get());
  // What was kept goes first, less what the history brings and what the client has: kept
  // messages of a recovered conversation that are still here are older than its history
  // (they were dropped from it), so the order per conversation holds.
  std::vector<stored_ptr> out;
  out.reserve(kept.size() + recovered.size());
  for (auto& m : kept) {
    if (sent.count(m.get())) continue;
    bool seen = false;
    for (auto& r : since.since)
      if (r.conv.what == conversation::kind::pair &&
          r.conv == conversation::pair(r.conv.app_id, m->message.from, m->message.target)) {
        seen = !(r.after < m->id);
        if (!seen) ++r.delivered;
        break;
      }
    if (!seen) out.push_back(std::move(m));
  }
  out.insert(out.end(), std::make_move_iterator(recovered.begin()),
             std::make_move_iterator(recovered.end()));
  return out;
}

void message_store::forget_locked(const entry& e) {
  if (e.conv.what != conversation::kind::pair) return;
  auto key = e.conv.key();
  for (const auto* user : {&e.conv.a, &e.conv.b}) {
    auto it = pairs_of_.find(scoped(e.conv.app_id, *user));
    if (it == pairs_of_.end()) continue;
    it->second.erase(key);
    if (it->second.empty()) pairs_of_.erase(it);
  }
}

std::optional<message_id> message_store::ack(const conversation& conv, const std::string& user_id,
                                             const message_id& up_to) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = conversations_.find(conv.key());
  if (it == conversations_.end()) return std::nullopt;
  auto& e = *it->second;
  auto& pos = e.read[user_id];
  auto capped = e.last < up_to ? e.last : up_to;  // never past what was said
  if (pos < capped) pos = capped;
  return pos;
}

uint32_t message_store::count_unread_locked(const entry& e, const std::string& user_id,
                                            message_id& newest) const {
  message_id pos;
  if (auto r = e.read.find(user_id); r != e.read.end()) pos = r->second;
  auto from = std::upper_bound(e.messages.begin(), e.messages.end(), pos,
                               [](const message_id& a, const stored_ptr& m) { return a < m->id; });
  uint32_t n = 0;
  for (auto m = from; m != e.messages.end(); ++m)
    if ((*m)->message.from != user_id) ++n;
  if (!e.messages.empty()) newest = e.messages.back()->id;
  return n;
}

std::vector<message_store::unread_count> message_store::unread(
    uint32_t app_id, const std::string& user_id, const std::vector<conversation>& others) const {
  std::vector<unread_count> out;
  std::lock_guard<std::mutex> guard(mutex_);
  auto add = [&](const entry& e) {
    unread_count u;
    u.conv = e.conv;
    u.count = count_unread_locked(e, user_id, u.newest);
    if (u.count > 0) out.push_back(std::move(u));
  };
  if (auto p = pairs_of_.find(scoped(app_id, user_id)); p != pairs_of_.end())
    for (const auto& key : p->second)
      if (auto it = conversations_.find(key); it != conversations_.end()) add(*it->second);
  for (const auto& conv : others)
    if (auto it = conversations_.find(conv.key()); it != conversations_.end()) add(*it->second);
  return out;
}

// What the user has read (on any device) is not sent again: kept messages up to the read
// position go, and recovery starts after it.
std::vector<stored_ptr> message_store::unread_only_locked(const std::string& user,
                                                          std::vector<stored_ptr> kept,
                                                          recovery* since) {
  auto slash = user.find('/');
  if (slash == std::string::npos) return kept;
  auto app_id = static_cast<uint32_t>(std::stoul(user.substr(0, slash)));
  auto user_id = user.substr(slash + 1);
  std::lock_guard<std::mutex> guard(mutex_);
  auto position = [&](const conversation& conv) {
    auto it = conversations_.find(conv.key());
    if (it == conversations_.end()) return message_id{};
    auto r = it->second->read.find(user_id);
    return r == it->second->read.end() ? message_id{} : r->second;
  };
  if (since)
    for (auto& r : since->since) {
      auto pos = position(r.conv);
      if (r.after < pos) r.after = pos;
    }
  if (kept.empty()) return kept;
  std::vector<stored_ptr> out;
  out.reserve(kept.size());
  for (auto& m : kept)
    if (position(conversation::pair(app_id, m->message.from, m->message.target)) < m->id)
      out.push_back(std::move(m));
  return out;
}

message_store::figures message_store::stats() const {
  figures f;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    f.conversations = conversations_.size();
    f.messages = messages_;
    f.bytes = bytes_;
    f.evicted = evicted_;
  }
  std::lock_guard<std::mutex> guard(offline_mutex_);
  f.kept = kept_;
  f.kept_users = offline_.size();
  f.kept_dropped = kept_dropped_;
  return f;
}

}  // namespace parley
