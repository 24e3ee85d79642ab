#include "actors/profile/profile_store.hpp"

namespace parley {

user_profile profile_store::update(uint32_t app_id, const std::string& user_id,
                                   const profile_update& update) {
  auto k = scoped_key(app_id, user_id);
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = profiles_.find(k);
  user_profile now = it == profiles_.end() ? user_profile{} : it->second.profile;
  update.apply_to(now);
  if (it != profiles_.end()) {
    order_.erase(it->second.age);
    profiles_.erase(it);
  }
  if (now.empty()) return now;
  while (profiles_.size() >= max_ && !order_.empty()) {
    profiles_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(k);
  profiles_.emplace(std::move(k), entry{now, std::prev(order_.end())});
  return now;
}

user_profile profile_store::get(uint32_t app_id, const std::string& user_id) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = profiles_.find(scoped_key(app_id, user_id));
  return it == profiles_.end() ? user_profile{} : it->second.profile;
}

std::vector<user_profile> profile_store::get_many(uint32_t app_id,
                                                  const std::vector<std::string>& users) const {
  std::vector<user_profile> out;
  out.reserve(users.size());
  std::lock_guard<std::mutex> guard(mutex_);
  for (const auto& u : users) {
    auto it = profiles_.find(scoped_key(app_id, u));
    out.push_back(it == profiles_.end() ? user_profile{} : it->second.profile);
  }
  return out;
}

size_t profile_store::size() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return profiles_.size();
}

}  // namespace parley
