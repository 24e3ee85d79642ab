// profile_store: the profiles of one node without Redis, in memory: bounded (profiles_max;
// past it the least recently set goes) and lost on restart, like the memory message store
// (docs/storage.md). With store: redis the durable store keeps them instead
// (actors/store/durable_store.hpp). Plain class, no CAF; shared by the login, `profile` and
// `users` behaviours, so every method is thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/node/user_directory.hpp"
#include "actors/profile/profile.hpp"

namespace parley {

class profile_store {
 public:
  explicit profile_store(size_t max_profiles) : max_(max_profiles) {}

  // Applies `update` to the user's profile and returns what is stored now; a profile left
  // empty is forgotten.
  user_profile update(uint32_t app_id, const std::string& user_id, const profile_update& update);

  // The user's profile (empty when none).
  user_profile get(uint32_t app_id, const std::string& user_id) const;

  // The profiles of `users`, in their order.
  std::vector<user_profile> get_many(uint32_t app_id, const std::vector<std::string>& users) const;

  size_t size() const;

 private:
  struct entry {
    user_profile profile;
    std::list<std::string>::iterator age;  // in `order_`
  };
  mutable std::mutex mutex_;
  size_t max_;
  std::unordered_map<std::string, entry> profiles_;
  std::list<std::string> order_;  // least recently set first
};

}  // namespace parley
