// membership_store: the groups each user is in, kept past the user's last connection, so that
// a user who comes back is in their groups again (the login re-joins them). In memory on a
// node without Redis: bounded (memberships_max users; past it the least recently changed
// goes) and lost on restart, like the memory message store (docs/storage.md). With
// store: redis the durable store keeps them instead (actors/store/durable_store.hpp). Plain
// class, no CAF; shared by the join, leave and login behaviours, so thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace parley {

class membership_store {
 public:
  explicit membership_store(size_t max_users) : max_(max_users) {}

  // Records that the user joined (`member` true) or left `group`.
  void set(uint32_t app_id, const std::string& user_id, const std::string& group, bool member);

  // The user's groups, in name order.
  std::vector<std::string> groups(uint32_t app_id, const std::string& user_id) const;

  size_t users() const;

 private:
  struct entry {
    std::set<std::string> groups;
    std::list<std::string>::iterator age;  // in `order_`
  };

  mutable std::mutex mutex_;
  size_t max_;
  std::unordered_map<std::string, entry> users_;
  std::list<std::string> order_;  // least recently changed first
};

}  // namespace parley
