// presence_actor: who is online in each app of this node, and the presence pushes that do not
// belong on the login path (docs/protocol.md "Presence").
//
// The node tells it, in one cheap message each, when a user's first connection here arrives
// and when their last one goes, and whether the app is in lists mode (the node then pushes
// `enter`/`exit` itself, in the login's turn, as the original protocol orders them: that
// costs O(users) per login, so it only happens while the app is small, presence_list_max).
// Everything that grows with the room runs here, once per presence_interval_ms:
//  - `online` {appID, count, lists} to every user of an app in count mode whose count changed
//    (or that someone entered) during the interval, and once when the app switches between
//    lists and counts (a client seeing `lists: true` again asks `users` for the list);
//  - `presence` {appID, count, enter[], exit[]} to the connections that subscribed, with the
//    net changes of the interval (a user who left and came back within it is neither).
// A login storm into one app therefore costs one message per login here and one push per
// user per interval, not users^2 pushes. Mailbox: one message per login/logout, bounded by
// the connections the node admits. In a cluster, counts include the other nodes' users of the
// app (one query per app in counts per interval); the lists-or-counts switch is per node.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/profile/profile.hpp"
#include "actors/routing/remote.hpp"
#include "actors/user/user_sinks.hpp"

namespace parley {

struct node_config;
struct node_stats;

// node -> presence: (enter_atom, app, user, user_sinks_ptr, lists, profile)   first connection
//   here; the profile goes with the user in the subscribers' next delta
using enter_atom = caf::atom_constant<caf::atom("enter")>;
// node -> presence: (exit_atom, app, user, lists)   last connection here went
using exit_atom = caf::atom_constant<caf::atom("exit")>;
// behaviour -> presence: (subscribe_atom, app, connection, sink, on) -> presence_snapshot
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;

// What a subscriber starts from: the app's users online here, sorted.
struct presence_snapshot {
  uint32_t count = 0;
  std::vector<std::string> users;
  bool lists = true;  // whether enter/exit pushes are on for the app
};

using presence_handle = caf::typed_actor<
    caf::reacts_to<enter_atom, uint32_t, std::string, user_sinks_ptr, bool, user_profile>,
    caf::reacts_to<exit_atom, uint32_t, std::string, bool>,
    caf::replies_to<subscribe_atom, uint32_t, caf::actor, sink_ptr, bool>::with<presence_snapshot>,
    caf::reacts_to<tick_atom>,
    caf::reacts_to<users_atom, uint32_t, uint32_t>>;  // another nodes' count came back

// `remote`: the other nodes of a cluster (invalid alone). With it, an app in counts adds the
// other nodes' users of the app (asked each interval: a user on two nodes counts twice).
presence_handle spawn_presence(caf::local_actor* parent, std::shared_ptr<const node_config> config,
                               node_stats* stats, remote_actor remote);

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::presence_snapshot)
