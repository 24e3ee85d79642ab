// keys: the typed names of what the routing seam finds -- a user, a group, a node -- instead
// of "<appID>/<id>" strings. The cluster's directory is keyed by them; a wrong kind of key
// is a compile error, not a lookup that silently misses.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace parley {

struct user_key {
  uint32_t app_id = 0;
  std::string user_id;
  bool operator==(const user_key& o) const { return app_id == o.app_id && user_id == o.user_id; }
};

struct group_key {
  uint32_t app_id = 0;
  std::string name;
  bool operator==(const group_key& o) const { return app_id == o.app_id && name == o.name; }
};

// A node's stable name (node_config::node_id).
struct node_id {
  std::string value;
  bool operator==(const node_id& o) const { return value == o.value; }
};

using node_set = std::vector<node_id>;

// "<appID>/<id>", the form logs and the node's registries use.
inline std::string to_string(const user_key& k) { return std::to_string(k.app_id) + "/" + k.user_id; }
inline std::string to_string(const group_key& k) { return std::to_string(k.app_id) + "/" + k.name; }

}  // namespace parley

namespace std {
template <>
struct hash<parley::user_key> {
  size_t operator()(const parley::user_key& k) const {
    return hash<string>()(k.user_id) * 31 + k.app_id;
  }
};
template <>
struct hash<parley::group_key> {
  size_t operator()(const parley::group_key& k) const {
    return hash<string>()(k.name) * 31 + k.app_id;
  }
};
}  // namespace std
