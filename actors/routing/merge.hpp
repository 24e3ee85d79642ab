// merge: one cluster-wide answer from several nodes' answers. Used by the node (its own part
// and the other nodes' part) and by the cluster actor (the other nodes' parts).
#pragma once

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "actors/messages.hpp"

namespace parley::routing {

// Two id lists as one, sorted, without repeats (a user on two nodes is one user).
inline std::vector<std::string> merge_ids(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<std::string> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Two pages after the same cursor as one page of `limit`. `total` adds the counts: a user
// with devices on two nodes counts twice there.
inline user_page merge_pages(const user_page& a, const user_page& b, uint32_t limit) {
  user_page page;
  page.total = a.total + b.total;
  auto ids = merge_ids(a.users, b.users);
  bool more = ids.size() > limit || !a.next_cursor.empty() || !b.next_cursor.empty();
  if (ids.size() > limit) ids.resize(limit);
  page.users = std::move(ids);
  if (more && !page.users.empty()) page.next_cursor = page.users.back();
  return page;
}

// Conn ids ("<node id>-<n>") in the order client pages use: by node id, then by number.
inline bool client_id_less(const std::string& a, const std::string& b) {
  auto da = a.rfind('-'), db = b.rfind('-');
  auto na = a.substr(0, da == std::string::npos ? 0 : da);
  auto nb = b.substr(0, db == std::string::npos ? 0 : db);
  if (na != nb) return na < nb;
  auto sa = da == std::string::npos ? a : a.substr(da + 1);
  auto sb = db == std::string::npos ? b : b.substr(db + 1);
  if (sa.size() != sb.size()) return sa.size() < sb.size();  // numbers without leading zeros
  return sa < sb;
}

// Two client pages after the same cursor as one page of `limit` (a connection is on one node
// only: nothing repeats).
inline client_page merge_client_pages(client_page a, client_page b, uint32_t limit) {
  client_page page;
  page.total = a.total + b.total;
  auto& out = page.clients;
  out.reserve(a.clients.size() + b.clients.size());
  auto less = [](const client_info& x, const client_info& y) { return client_id_less(x.id, y.id); };
  std::merge(std::make_move_iterator(a.clients.begin()), std::make_move_iterator(a.clients.end()),
             std::make_move_iterator(b.clients.begin()), std::make_move_iterator(b.clients.end()),
             std::back_inserter(out), less);
  bool more = out.size() > limit || !a.next_cursor.empty() || !b.next_cursor.empty();
  if (out.size() > limit) out.resize(limit);
  if (more && !out.empty()) page.next_cursor = out.back().id;
  return page;
}

}  // namespace parley::routing
