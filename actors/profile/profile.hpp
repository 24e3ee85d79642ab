// profile: what a user shows the others -- a display name and an avatar URL (docs/protocol.md
// "Profiles"). Given at login or with `profile`, set by backends over HTTP, stored
// (actors/profile/profile_store.hpp on one node, Redis with store: redis) and carried in the
// login reply, `enter` pushes, `users` replies and `profile` answers.
//
// Both are checked here, once, for every way in: a name is 0-64 bytes of UTF-8 (the JSON
// parser has checked the encoding) without control characters; an avatar is empty or an
// http(s) URL of at most 512 bytes with a host, printable ASCII without spaces, quotes, angle
// brackets or backslashes. Neither is ever HTML: the web UI sets them as text and as an img
// src (webui/chat.js).
#pragma once

#include <optional>
#include <string>

#include <caf/allowed_unsafe_message_type.hpp>
#include <nlohmann/json.hpp>

namespace parley {

struct user_profile {
  std::string name;    // "" = none
  std::string avatar;  // "" = none, else an http(s) URL

  bool empty() const { return name.empty() && avatar.empty(); }
  bool operator==(const user_profile& o) const { return name == o.name && avatar == o.avatar; }
};

// What a login or `profile` asks to change: a field given replaces the stored one ("" clears
// it), a field not given keeps it.
struct profile_update {
  std::optional<std::string> name;
  std::optional<std::string> avatar;

  bool any() const { return name || avatar; }
  void apply_to(user_profile& p) const {
    if (name) p.name = *name;
    if (avatar) p.avatar = *avatar;
  }
};

constexpr size_t profile_name_max = 64;
constexpr size_t profile_avatar_max = 512;

// Reads `name` and `avatar` of a request's data; false with `reason` when one is not valid.
bool read_profile_update(const nlohmann::json& data, profile_update& out, std::string& reason);

// {name, avatar} (both, "" when unset).
inline nlohmann::json profile_json(const user_profile& p) {
  return {{"name", p.name}, {"avatar", p.avatar}};
}

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::user_profile)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::profile_update)
