// user_directory: (appID, userID) -> that user's sockets, for senders that are not the node.
//
// The node actor owns the user registry and is the only writer: it inserts when it spawns a
// user actor and erases when it retires one. Behaviours read it to deliver a private message
// without a round trip through the node actor and the user actor (sendMessage used to cross
// four mailboxes; now it crosses none after its own). Reads take a shared lock, O(1).
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "actors/user/user_sinks.hpp"

namespace parley {

// Registry keys: "<appID>/<id>". User ids and group names may contain '/', the appID not.
inline std::string scoped_key(uint32_t app_id, const std::string& id) {
  return std::to_string(app_id) + "/" + id;
}

// The appID and the id of a scoped_key (the appID part is always digits).
inline std::pair<uint32_t, std::string> split_scoped_key(const std::string& key) {
  auto slash = key.find('/');
  return {static_cast<uint32_t>(std::stoul(key.substr(0, slash))), key.substr(slash + 1)};
}

class user_directory {
 public:
  // `key` is scoped_key(appID, userID).
  void insert(const std::string& key, user_sinks_ptr sinks) {
    std::unique_lock<std::shared_mutex> guard(mutex_);
    users_[key] = std::move(sinks);
  }

  void erase(const std::string& key) {
    std::unique_lock<std::shared_mutex> guard(mutex_);
    users_.erase(key);
  }

  // The user's sockets, or null if the user has no user actor on this node.
  user_sinks_ptr find(const std::string& key) const {
    std::shared_lock<std::shared_mutex> guard(mutex_);
    auto it = users_.find(key);
    return it == users_.end() ? nullptr : it->second;
  }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, user_sinks_ptr> users_;
};

using user_directory_ptr = std::shared_ptr<user_directory>;

}  // namespace parley
