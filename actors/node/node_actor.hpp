// node_actor: the supervisor of one Parley node. Nothing else keeps global state.
//
// It spawns and monitors every connection, user, group and behaviour actor, and holds the
// registries: conn id -> connection, (appID, userID) -> user, (appID, group) -> group.
//
// Retiring users and groups without losing a login or join in flight: a user (group) that
// becomes empty reports how many connections (joins) it has ever been given. The node
// compares that with how many it has forwarded; only when they match is nothing on its way,
// so it removes the entry and tells the actor to quit. Otherwise the report is stale and
// ignored; the actor reports again when it is next empty. A down_msg (an actor that died
// abnormally) also removes its entry.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/node/user_directory.hpp"
#include "actors/registry/behaviour_registry.hpp"
#include "actors/stats/node_stats.hpp"

namespace parley {

struct node_config;

struct node_setup {
  std::shared_ptr<const node_config> config;
  node_stats* stats = nullptr;
  std::vector<behaviour_spec> behaviours;
  std::string node_id;  // prefix of every conn id this node hands out
};

struct node_state {
  struct child {  // a user or group actor and how many joins/logins were sent to it
    caf::actor handle;
    uint64_t forwarded = 0;
    uint32_t size = 0;  // groups: members, as last reported
    user_sinks_ptr sinks;  // users: their sockets, also in `directory`
  };
  node_setup setup;
  registry_ptr registry;
  caf::actor deadlines;  // wakes connections at their deadlines (actors/deadline)
  uint64_t next_conn = 0;
  std::unordered_map<std::string, caf::actor> connections;       // conn id -> connection
  std::unordered_map<std::string, child> users;                  // user key -> user
  user_directory_ptr directory;  // user key -> sockets, read by behaviours (see its header)
  std::unordered_map<uint32_t, std::unordered_set<std::string>> app_users;  // app -> user ids
  std::unordered_map<std::string, child> groups;                 // group key -> group
  // what each watched actor is, for down_msg: kind and registry key
  std::unordered_map<caf::actor_addr, std::pair<actor_kind, std::string>> watched;
  live_gauge live;
  static inline const char* name = "parley.node";
};

caf::behavior node_actor(caf::stateful_actor<node_state>* self, node_setup setup);

}  // namespace parley
