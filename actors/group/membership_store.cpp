#include "actors/group/membership_store.hpp"

#include "actors/node/user_directory.hpp"

namespace parley {
void membership_store::set(uint32_t app_id, const std::string& user_id, const std::string& group,
                           bool member) {
  auto key = scoped_key(app_id, user_id);
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = users_.find(key);
  if (it == users_.end()) {
    if (!member) return;
    while (users_.size() >= max_ && !order_.empty()) {
      users_.erase(order_.front());
      order_.pop_front();
    }
    order_.push_back(key);
    it = users_.emplace(key, entry{{}, std::prev(order_.end())}).first;
  } else {
    order_.splice(order_.end(), order_, it->second.age);  // now the most recently changed
  }
  if (member) {
    it->second.groups.insert(group);
  } else {
    it->second.groups.erase(group);
    if (it->second.groups.empty()) {
      order_.erase(it->second.age);
      users_.erase(it);
    }
  }
}

std::vector<std::string> membership_store::groups(uint32_t app_id, const std::string& user_id) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = users_.find(scoped_key(app_id, user_id));
  if (it == users_.end()) return {};
  return {it->second.groups.begin(), it->second.groups.end()};
}

size_t membership_store::users() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return users_.size();
}

}  // namespace parley
