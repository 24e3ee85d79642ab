#include "actors/node/client_index.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "actors/routing/merge.hpp"

namespace parley {

std::string client_index::add(uint64_t seq, caf::actor handle, sink_ptr sink, std::string remote) {
  auto id = id_of(seq);
  conns_.emplace(id, entry{std::move(handle), std::move(sink), std::move(remote), seq, 0, {}});
  return id;
}

client_index::entry* client_index::find(const std::string& conn_id) {
  auto it = conns_.find(conn_id);
  return it == conns_.end() ? nullptr : &it->second;
}

void client_index::logged_in(entry& e, uint32_t app_id, std::string user_id) {
  if (e.app_id != 0) logged_out(e);
  e.app_id = app_id;
  e.user_id = std::move(user_id);
  by_app_[app_id].insert(e.seq);
  by_user_[user_key_of(app_id, e.user_id)].push_back(e.seq);
}

void client_index::logged_out(entry& e) {
  if (e.app_id == 0) return;
  auto app = by_app_.find(e.app_id);
  if (app != by_app_.end()) {
    app->second.erase(e.seq);
    if (app->second.empty()) by_app_.erase(app);
  }
  auto user = by_user_.find(user_key_of(e.app_id, e.user_id));
  if (user != by_user_.end()) {
    auto& seqs = user->second;
    seqs.erase(std::remove(seqs.begin(), seqs.end(), e.seq), seqs.end());
    if (seqs.empty()) by_user_.erase(user);
  }
  e.app_id = 0;
  e.user_id.clear();
}

void client_index::erase(const std::string& conn_id) {
  auto it = conns_.find(conn_id);
  if (it == conns_.end()) return;
  logged_out(it->second);
  conns_.erase(it);
}

client_info client_index::info(const entry& e) const {
  return {id_of(e.seq), e.app_id, e.user_id, node_id_, e.remote};
}

client_page client_index::page(uint32_t app_id, const std::string& cursor, uint32_t limit) const {
  client_page page;
  auto app = by_app_.find(app_id);
  if (app == by_app_.end()) return page;
  const auto& seqs = app->second;
  page.total = static_cast<uint32_t>(seqs.size());
  auto from = seqs.begin();
  if (!cursor.empty()) {
    // The first of this node's ids after the cursor: all, some or none of them.
    auto first = id_of(*seqs.begin());
    auto last = id_of(*seqs.rbegin());
    if (!routing::client_id_less(cursor, last)) return page;  // cursor past every id here
    if (routing::client_id_less(cursor, first)) {
      from = seqs.begin();
    } else {  // the cursor names this node: after its number
      auto dash = cursor.rfind('-');
      uint64_t seq = 0;
      auto digits = std::string_view(cursor).substr(dash + 1);
      auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
      if (err != std::errc() || end != digits.data() + digits.size()) return page;  // not ours
      from = seqs.upper_bound(seq);
    }
  }
  for (; from != seqs.end() && page.clients.size() < limit; ++from)
    page.clients.push_back(info(conns_.at(id_of(*from))));
  if (from != seqs.end() && !page.clients.empty()) page.next_cursor = page.clients.back().id;
  return page;
}

client_page client_index::of_user(uint32_t app_id, const std::string& user_id) const {
  client_page page;
  auto user = by_user_.find(user_key_of(app_id, user_id));
  if (user == by_user_.end()) return page;
  auto seqs = user->second;
  std::sort(seqs.begin(), seqs.end());
  for (auto seq : seqs) page.clients.push_back(info(conns_.at(id_of(seq))));
  page.total = static_cast<uint32_t>(page.clients.size());
  return page;
}

std::vector<client_index::entry*> client_index::entries_of_user(uint32_t app_id,
                                                                const std::string& user_id) {
  std::vector<entry*> out;
  auto user = by_user_.find(user_key_of(app_id, user_id));
  if (user == by_user_.end()) return out;
  for (auto seq : user->second) out.push_back(&conns_.at(id_of(seq)));
  return out;
}

}  // namespace parley
