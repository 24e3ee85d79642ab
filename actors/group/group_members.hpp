// group_members: who is in one group, as a plain class with no CAF in it, so membership and
// fan-out order are unit-tested without an actor system. The group actor wraps it with
// Handle = group_member (the member's user actor and user_sinks) and Key = the user actor's
// address, the identity a down_msg names.
//
// Members are keyed by user id; each has one handle and one key. Joining twice with the same
// key is a no-op; joining with a new key (the user's actor was retired and a new one spawned,
// e.g. after a quick reconnect) replaces the old handle, so the old actor's death no longer
// removes the user. A second index maps each key to its member, so a departure found by key
// (a down_msg) costs O(1), not a scan of the group: a mass disconnect of N members is O(N).
// Memory: one hash node per member in each index (~40 bytes for the key index).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace parley {

template <class Handle, class Key>
class group_members {
 public:
  struct add_result {
    bool added = false;            // the user was not a member before
    bool key_changed = false;      // `key` is new to the group: the caller watches it
    std::optional<Key> replaced;   // the key `key` replaced: the caller stops watching it
  };

  // O(1).
  add_result add(const std::string& user_id, const Key& key, Handle handle) {
    add_result r;
    auto it = members_.find(user_id);
    if (it == members_.end()) {
      it = members_.emplace(user_id, member{key, std::move(handle)}).first;
      by_key_[key] = &it->first;
      r.added = r.key_changed = true;
      return r;
    }
    if (it->second.key == key) return r;
    r.key_changed = true;
    r.replaced = it->second.key;
    by_key_.erase(it->second.key);
    it->second = member{key, std::move(handle)};
    by_key_[key] = &it->first;
    return r;
  }

  // The key the user had, if the user was a member. O(1).
  std::optional<Key> remove(const std::string& user_id) {
    auto it = members_.find(user_id);
    if (it == members_.end()) return std::nullopt;
    Key key = it->second.key;
    by_key_.erase(key);
    members_.erase(it);
    return key;
  }

  // Removes the member with this key (a watched actor went down). O(1).
  bool remove_key(const Key& key) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return false;
    auto user_id = *it->second;
    by_key_.erase(it);
    members_.erase(user_id);
    return true;
  }

  bool contains(const std::string& user_id) const { return members_.count(user_id) > 0; }
  size_t size() const { return members_.size(); }
  bool empty() const { return members_.empty(); }
  size_t keys() const { return by_key_.size(); }  // == size(); for tests

  // Calls f(handle) once per member. Linear in the group size.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& entry : members_) f(entry.second.handle);
  }

  std::vector<std::string> user_ids() const {
    std::vector<std::string> out;
    out.reserve(members_.size());
    for (const auto& entry : members_) out.push_back(entry.first);
    return out;
  }

 private:
  struct member {
    Key key;
    Handle handle;
  };
  std::unordered_map<std::string, member> members_;
  std::unordered_map<Key, const std::string*> by_key_;  // points at members_' keys (stable)
};

}  // namespace parley
