// group_actor: one per (appID, group name) with at least one member.
//
// Wraps group_members<group_member, actor_addr>: each member is a user actor (watched with
// one monitor, dropped again on leave or when a new actor of the same user replaces it) and
// that user's sockets (user_sinks). A member's down_msg is found by address in O(1). A send writes one shared frame into every member's
// sockets from this actor's turn: no CAF message per member, no copy of the bytes.
// When the last member goes it tells the node (group_idle_atom), which retires it unless a
// join is already on its way.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/group/group_members.hpp"
#include "actors/messages.hpp"
#include "actors/node/node_interface.hpp"
#include "actors/stats/node_stats.hpp"
#include "actors/user/user_sinks.hpp"

namespace parley {

struct group_setup {
  uint32_t app_id = 0;
  std::string name;
  std::string key;
  node_handle node;
  node_stats* stats = nullptr;
  // Messages this group handled (bumped by the group, read by the node's sampler).
  std::shared_ptr<std::atomic<uint64_t>> handled = std::make_shared<std::atomic<uint64_t>>(0);
};

struct group_member {
  caf::actor user;
  user_sinks_ptr sinks;
};

struct group_state {
  group_setup setup;
  group_members<group_member, caf::actor_addr> members;
  uint64_t joins_total = 0;
  live_gauge live;
  static inline const char* name = "parley.group";
};

caf::behavior group_actor(caf::stateful_actor<group_state>* self, group_setup setup);

}  // namespace parley
