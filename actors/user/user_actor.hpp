// user_actor: one per logged-in (appID, userID) on this node.
//
// Holds the user's connections (several tabs or devices each get every message) and the
// groups the user joined: that set is the authority on the user's membership (a repeated
// join or a leave of a group not joined is answered here) and is bounded by
// max_groups_per_user. Their sockets are in a user_sinks that senders write to directly
// (the node adds each sink at login); this actor watches every connection actor and takes
// its sink out when it is down. Groups hold the user actor (watched) and its user_sinks, so
// a push to a group reaches every device without a message to this actor.
// When its last connection goes it tells the node (user_idle_atom); the node retires it
// unless a login is already on its way to it (see node_actor.hpp).
// In a cluster, membership belongs to the user on every node: a join or leave here is told to
// the user's actors on the other nodes (member_atom, applied there through the node's
// local-only join/leave), and a user actor spawned for a device logging in here joins the
// groups the user's other nodes hold before the login is answered.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/connection/connection_sink.hpp"
#include "actors/messages.hpp"
#include "actors/node/node_interface.hpp"
#include "actors/stats/node_stats.hpp"
#include "actors/user/user_sinks.hpp"

namespace parley {

struct user_setup {
  uint32_t app_id = 0;
  // Next to app_id, in what was padding: the user actor is sized to jemalloc's 1,280-byte
  // class with CAF's control block, and 8 more bytes moved it into the 1,536-byte class
  // (+0.25 KiB per logged-in user; bench `idle`).
  uint32_t max_groups = 256;
  std::string user_id;
  std::string key;  // the node's registry key
  node_handle node;
  node_stats* stats = nullptr;
  user_sinks_ptr sinks;  // shared with the node's user_directory and the user's groups
};

struct user_state {
  user_setup setup;
  struct attached {
    caf::actor connection;
    sink_ptr sink;
  };
  std::vector<attached> connections;
  std::set<std::string> groups;  // joined, or joining (a refused join takes it out again)
  uint64_t added_total = 0;
  live_gauge live;
  static inline const char* name = "parley.user";
};

caf::behavior user_actor(caf::stateful_actor<user_state>* self, user_setup setup);

}  // namespace parley
