// directory: where users and groups live -- the routing seam's lookup, as a typed actor
// interface with asynchronous answers and no storage engine in it.
//
//   (locate_atom, user_key | group_key)  -> node_set   nodes holding the user's connections
//                                                      (one per device node) / the group's members
//   (publish_atom, user_key | group_key) -> bool       this node holds it now; the answer
//                                                      comes once the entry is recorded (a
//                                                      login is answered only after it)
//   (retract_atom, user_key | group_key)               this node holds it no more
//
// local_directory is the single-node implementation: everything published is "here" (this
// node's id), nothing else exists. The cluster's implementation (Redis, with a cache) will
// answer the same messages, so the node and the behaviours never learn which one they use.
#pragma once

#include <unordered_map>

#include <caf/all.hpp>

#include "actors/routing/keys.hpp"

namespace parley {

// -> directory: (locate_atom, key) -> node_set
using locate_atom = caf::atom_constant<caf::atom("locate")>;
// -> directory: (publish_atom, key) -> bool
using publish_atom = caf::atom_constant<caf::atom("publish")>;
// -> directory: (retract_atom, key)
using retract_atom = caf::atom_constant<caf::atom("retract")>;

using directory_actor = caf::typed_actor<
    caf::replies_to<locate_atom, user_key>::with<node_set>,
    caf::replies_to<locate_atom, group_key>::with<node_set>,
    caf::replies_to<publish_atom, user_key>::with<bool>,
    caf::replies_to<publish_atom, group_key>::with<bool>,
    caf::reacts_to<retract_atom, user_key>,
    caf::reacts_to<retract_atom, group_key>>;

struct local_directory_state {
  node_id self;
  // Publications per key: a user or group may be published again before its retraction of
  // an earlier life arrives, so entries count.
  std::unordered_map<user_key, uint32_t> users;
  std::unordered_map<group_key, uint32_t> groups;
  static inline const char* name = "parley.directory";
};

// The single-node directory: answers "here" for what this node published.
directory_actor::behavior_type local_directory(
    directory_actor::stateful_pointer<local_directory_state> self, node_id self_id);

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::user_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::group_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::node_set)
