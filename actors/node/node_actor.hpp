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
//
// Supervision, after Erlang/OTP's one_for_one with a restart intensity: a behaviour actor
// that dies abnormally is spawned again and swapped into its registry slot, at most
// behaviour_max_restarts times within behaviour_restart_window seconds; past that its slot is
// left empty and its cmd answers 1004 (logged as critical). A connection actor that dies
// abnormally closes its socket with 1011 (close_reason::error), so the session never holds
// its connection slot without an actor behind it.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/node/client_index.hpp"
#include "actors/node/node_interface.hpp"
#include "actors/node/user_directory.hpp"
#include "actors/presence/presence_actor.hpp"
#include "actors/store/durable_store.hpp"
#include "actors/group/membership_store.hpp"
#include "actors/profile/profile_store.hpp"
#include "actors/store/message_store.hpp"
#include "actors/registry/behaviour_registry.hpp"
#include "actors/routing/remote.hpp"
#include "actors/stats/node_stats.hpp"

namespace parley {

struct node_config;

struct node_setup {
  std::shared_ptr<const node_config> config;
  node_stats* stats = nullptr;
  std::vector<behaviour_spec> behaviours;
  std::string node_id;  // prefix of every conn id this node hands out
  // The other nodes of a cluster (cluster/cluster_actor); invalid for a node alone. With it,
  // logins and first joins wait for their directory entry, retirements retract it, and group
  // sends, sendAll, presence and the user/member queries also cover the other nodes.
  remote_actor remote;
  // Who is online here and their sockets; made by the node when not given (the cluster's
  // inbound side reads the same one).
  user_directory_ptr users;
  // Stored messages; made by the node from the config when not given (null with store off).
  message_store_ptr store;
  // The durable store of a cluster (store: redis; actors/store/durable_store.hpp), used
  // instead of `store`; invalid otherwise.
  durable_store durable;
  // Profiles in memory; made by the node when not given, unless `durable` keeps them.
  std::shared_ptr<profile_store> profiles;
  std::shared_ptr<membership_store> memberships;  // the same for the groups of each user
};

struct node_state {
  struct child {  // a user or group actor and how many joins/logins were sent to it
    caf::actor handle;
    uint64_t forwarded = 0;
    uint32_t size = 0;  // groups: members, as last reported
    user_sinks_ptr sinks;  // users: their sockets, also in `directory`
    std::shared_ptr<std::atomic<uint64_t>> handled;  // groups: messages, bumped by the group
    uint64_t last_handled = 0;                        // groups: at the last sample
  };
  struct supervised {  // one behaviour: how to make it, where it is, when it was restarted
    behaviour_spec spec;
    std::shared_ptr<behaviour_slot> slot;
    std::deque<std::chrono::steady_clock::time_point> restarts;  // within the window
  };
  node_setup setup;
  registry_ptr registry;
  std::unordered_map<std::string, supervised> behaviours;  // cmd -> its supervision record
  caf::actor deadlines;  // wakes connections at their deadlines (actors/deadline)
  uint64_t next_conn = 0;
  client_index connections;  // conn id -> connection; logged-in ones by app and user
  std::unordered_map<std::string, child> users;                  // user key -> user
  user_directory_ptr directory;  // user key -> sockets, read by behaviours (see its header)
  // app -> online user ids, ordered so that `users` pages by cursor (the last id seen)
  std::unordered_map<uint32_t, std::set<std::string>> app_users;
  // Presence (actors/presence): the actor, and which apps are in lists mode (lists_now).
  presence_handle presence;
  std::unordered_map<uint32_t, bool> app_lists;
  std::unordered_map<std::string, child> groups;                 // group key -> group
  std::unordered_map<uint32_t, uint32_t> app_groups;  // app -> group actors (max_groups_per_app)
  // what each watched actor is, for down_msg: kind and registry key
  std::unordered_map<caf::actor_addr, std::pair<actor_kind, std::string>> watched;
  // The hot-actor sampler (actor_stats_ms): messages this actor handled, and what each
  // figure was at the last sample.
  uint64_t handled = 0;
  uint64_t last_handled = 0;
  std::chrono::steady_clock::time_point last_sample = std::chrono::steady_clock::now();
  std::unordered_map<std::string, uint64_t> last_counts;  // cmd -> commands at the last sample
  std::unordered_map<std::string, uint64_t> mailboxes;    // behaviour cmd or group key -> depth
  live_gauge live;
  static inline const char* name = "parley.node";
};

node_handle::behavior_type node_actor(node_handle::stateful_pointer<node_state> self,
                                      node_setup setup);

}  // namespace parley
