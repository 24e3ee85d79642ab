// group_members: who is in one group, as a plain class with no CAF in it, so membership and
// fan-out order are unit-tested without an actor system. The group actor wraps it with
// Handle = group_member (the member's user actor and user_sinks).
//
// Members are keyed by user id; each has one handle. Joining twice with the same handle is a
// no-op; joining with a new handle (the user's actor was retired and a new one spawned, e.g.
// after a quick reconnect) replaces the old handle, so the old actor's death no longer
// removes the user.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace parley {

template <class Handle>
class group_members {
 public:
  // True if the user was not a member before. `handle_changed` tells whether `handle` is
  // new to this group (added, or replacing an older handle): the caller watches it then. O(1).
  bool add(const std::string& user_id, Handle handle, bool& handle_changed) {
    auto [it, inserted] = members_.try_emplace(user_id, handle);
    handle_changed = inserted || !(it->second == handle);
    if (!inserted && handle_changed) it->second = std::move(handle);
    return inserted;
  }

  // True if the user was a member. O(1).
  bool remove(const std::string& user_id) { return members_.erase(user_id) > 0; }

  // Removes every member whose handle satisfies `pred` (used when a member actor goes
  // down). Linear in the group size. Returns how many were removed.
  template <class Pred>
  size_t remove_if(Pred&& pred) {
    size_t n = 0;
    for (auto it = members_.begin(); it != members_.end();)
      if (pred(it->second)) {
        it = members_.erase(it);
        ++n;
      } else {
        ++it;
      }
    return n;
  }

  bool contains(const std::string& user_id) const { return members_.count(user_id) > 0; }
  size_t size() const { return members_.size(); }
  bool empty() const { return members_.empty(); }

  // Calls f(handle) once per member. Linear in the group size.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& [user_id, handle] : members_) f(handle);
  }

  std::vector<std::string> user_ids() const {
    std::vector<std::string> out;
    out.reserve(members_.size());
    for (const auto& entry : members_) out.push_back(entry.first);
    return out;
  }

 private:
  std::unordered_map<std::string, Handle> members_;
};

}  // namespace parley
