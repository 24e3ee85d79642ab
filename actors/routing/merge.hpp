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

}  // namespace parley::routing
