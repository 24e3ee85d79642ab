// remote: the routing seam's far side -- what this node asks of the other nodes of a cluster,
// as a typed actor interface (a wrong message shape is a compile error). It extends the
// directory (directory.hpp) with deliveries and cluster-wide queries. cluster/ implements it
// (cluster_actor: Redis directory + one gRPC stream per peer); actors/ only sees this header,
// so no Redis or gRPC type reaches a behaviour. A single node has no remote at all: the node
// and the behaviours then take their local paths only, exactly as before the cluster.
//
// Every answer covers the *other* nodes only; the caller adds its local part. A route_result
// says how many were reached there and whether some node could not be asked (its queue was
// full, it did not answer within peer_timeout_ms, or the directory could not be read).
#pragma once

#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/routing/directory.hpp"

namespace parley {

struct route_result {
  uint32_t reached = 0;  // sockets (user), recipients (group), users (app) on other nodes
  uint32_t failed = 0;   // nodes that should have been reached and could not be
  bool degraded = false; // the directory (Redis) is unavailable: remote users are unknown
};

// One node's figures, for /system/state's per-node breakdown.
struct node_summary {
  std::string node;
  std::string grpc;       // its gRPC address
  std::string address;    // its public WebSocket/HTTP address
  int64_t started_ms = 0; // Unix ms
  uint32_t connections = 0;
  uint32_t users = 0;
  bool self = false;
  nlohmann::json stats;   // its hot actors and commands (actors/stats/actor_samples.hpp)
};

// -> remote: (route_user_atom, user_key, frame_ptr) -> route_result   (sockets reached)
using route_user_atom = caf::atom_constant<caf::atom("routeUser")>;
// -> remote: (route_group_atom, group_key, sender, frame_ptr) -> route_result
using route_group_atom = caf::atom_constant<caf::atom("routeGrp")>;
// -> remote: (route_app_atom, app, frame_ptr, except_user) -> route_result   (sendAll)
using route_app_atom = caf::atom_constant<caf::atom("routeApp")>;
// -> remote: (broadcast_atom, app, frame_ptr, except_user)   presence: no answer wanted
using broadcast_atom = caf::atom_constant<caf::atom("broadcast")>;
// -> remote: (member_atom, user_key, group, bool joined) -> route_result   the user joined
//    (left) a group here: the other nodes holding the user apply it to the user there before
//    they answer (membership belongs to the user, on every node, as on one node).
//    -> node: (member_atom, app, user, group, bool) -> bool   what a peer applies (false: the
//    user is not here); -> user: (member_atom, group, bool) -> bool, or (member_atom, groups)
//    -> bool (joins them all); each answers when applied
using member_atom = caf::atom_constant<caf::atom("memberSync")>;
// -> remote: (user_groups_atom, user_key) -> std::vector<std::string>   the user's groups on
//    the other nodes holding the user (a device logging in here joins them). -> node: (…, app,
//    user), this node's part; -> user: (user_groups_atom) -> its groups
using user_groups_atom = caf::atom_constant<caf::atom("userGroups")>;
// -> remote: (nodes_atom) -> std::vector<node_summary>   every live node, this one included
using nodes_atom = caf::atom_constant<caf::atom("nodes")>;
// -> node: (local_atom, <a query or send>)   the same as without local_atom, this node only
//    (what peers ask; never forwarded again)
using local_atom = caf::atom_constant<caf::atom("local")>;

using remote_actor = directory_actor::extend<
    caf::replies_to<route_user_atom, user_key, frame_ptr>::with<route_result>,
    caf::replies_to<route_group_atom, group_key, std::string, frame_ptr>::with<route_result>,
    caf::replies_to<route_app_atom, uint32_t, frame_ptr, std::string>::with<route_result>,
    caf::reacts_to<broadcast_atom, uint32_t, frame_ptr, std::string>,
    caf::replies_to<users_atom, uint32_t, std::string, uint32_t>::with<user_page>,
    caf::replies_to<online_atom, user_key>::with<bool>,
    caf::replies_to<client_atom, std::string, client_op>::with<client_reply>,
    caf::replies_to<clients_atom, uint32_t, std::string, uint32_t>::with<client_page>,
    caf::replies_to<clients_atom, user_key>::with<client_page>,
    caf::replies_to<unbind_atom, user_key>::with<route_result>,
    caf::replies_to<group_names_atom, uint32_t>::with<std::vector<std::string>>,
    caf::replies_to<drain_atom, std::string>::with<route_result>,
    caf::replies_to<kick_atom, user_key, std::string>::with<route_result>,
    caf::replies_to<members_atom, group_key>::with<std::vector<std::string>>,
    caf::replies_to<member_atom, user_key, std::string, bool>::with<route_result>,
    caf::replies_to<user_groups_atom, user_key>::with<std::vector<std::string>>,
    caf::replies_to<nodes_atom>::with<std::vector<node_summary>>>;

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::route_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<parley::node_summary>)
