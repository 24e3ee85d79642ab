// redis_keys: every Redis key and channel the cluster uses, in one place (docs/cluster.md
// lists them with their types and TTLs), and the stable hash that picks a key's shard.
//
//   parley:node:<node>        string  the node's registry entry (JSON), PX node_ttl_ms
//   parley:nodes              set     node ids ever registered (dead ones are removed by readers)
//   parley:u:<app>:<user>     hash    node id -> incarnation, for every node holding the user;
//                                     PX directory_ttl_ms, refreshed by the holders
//   parley:g:<app>:<group>    hash    node id -> incarnation, for every node holding members
//   parley:inv                channel a directory key that changed (cache invalidation), or
//                                     "node:<id>" when a node starts (re-read the registry)
//   parley:c:<conversation>   stream  store: redis -- a conversation's messages
//   parley:in:<app>:<user>    stream  store: redis -- what waits for an offline user; on the
//                                     shard of the user's directory hash (parley:u:...)
//   parley:r:<conversation>   hash    store: redis -- user id -> read position (ack), on the
//                                     shard of the conversation's stream
//   parley:pairs:<app>:<user> set     store: redis -- the user's private conversations (keys)
//   parley:p:<app>:<user>     hash    store: redis -- the user's profile: n (name), a (avatar)
//   parley:ug:<app>:<user>    set     store: redis -- the groups the user is in (re-joined at login)
//                                     (cluster/store/redis_store.hpp has the fields)
//
// The registry keys live on the first shard; directory keys on shard_of(key).
#pragma once

#include <cstdint>
#include <string>

#include "actors/routing/keys.hpp"

namespace parley::cluster::keys {

inline const std::string nodes = "parley:nodes";
inline const std::string invalidations = "parley:inv";

inline std::string node(const std::string& id) { return "parley:node:" + id; }
inline std::string of(const user_key& k) {
  return "parley:u:" + std::to_string(k.app_id) + ":" + k.user_id;
}
inline std::string of(const group_key& k) {
  return "parley:g:" + std::to_string(k.app_id) + ":" + k.name;
}

inline std::string conversation(const std::string& conversation_key) {
  return "parley:c:" + conversation_key;
}
inline std::string read_positions(const std::string& conversation_key) {
  return "parley:r:" + conversation_key;
}
inline std::string pairs(const user_key& k) {
  return "parley:pairs:" + std::to_string(k.app_id) + ":" + k.user_id;
}
inline std::string memberships(const user_key& k) {
  return "parley:ug:" + std::to_string(k.app_id) + ":" + k.user_id;
}
inline std::string profile(const user_key& k) {
  return "parley:p:" + std::to_string(k.app_id) + ":" + k.user_id;
}
inline std::string inbox(const user_key& k) {
  return "parley:in:" + std::to_string(k.app_id) + ":" + k.user_id;
}

// FNV-1a: stable across processes, builds and machines (std::hash is not).
inline size_t shard_of(const std::string& key, size_t shards) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return shards ? static_cast<size_t>(h % shards) : 0;
}

}  // namespace parley::cluster::keys
