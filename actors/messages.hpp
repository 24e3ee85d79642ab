// messages: every atom and message struct that crosses an actor boundary, in one header.
//
// Actors meet only through these messages. The gateway and the cluster talk to actors
// through them and through connection_sink; actors never include gateway or cluster code.
// The node is held as a typed node_handle (actors/node/node_interface.hpp), the remote and
// the peer links are typed too; connection, user, group and behaviour actors are still
// dynamically typed caf::actor. Each atom below documents its message shapes ("->" is the
// reply) and which actor accepts it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/result_code.hpp"

namespace parley {

// One encoded frame, shared by every recipient: encoded once, never copied per recipient.
using frame_ptr = std::shared_ptr<const std::string>;

class connection_sink;
using sink_ptr = std::shared_ptr<connection_sink>;

// One user's sockets, shared by everyone who delivers to that user (actors/user/user_sinks.hpp).
class user_sinks;
using user_sinks_ptr = std::shared_ptr<user_sinks>;

class behaviour_registry;
using registry_ptr = std::shared_ptr<const behaviour_registry>;

// Who is logged in on a connection (or, for HTTP-originated commands, who sends).
struct login_info {
  uint32_t app_id = 0;
  std::string user_id;
  caf::actor user;  // the user actor; invalid for HTTP-originated commands
};

enum class command_origin : uint8_t { websocket, http };

// One request handed to a behaviour actor: the decoded frame plus its connection context.
struct command {
  std::string seq;
  std::string cmd;
  std::shared_ptr<const nlohmann::json> data;
  command_origin origin = command_origin::websocket;
  std::string conn_id;
  caf::actor connection;
  sink_ptr sink;  // the connection's socket (login hands it to the user actor)
  std::optional<login_info> login;
  // Identity proven by a valid token on the upgrade URL (?appID=&userID=&token=).
  std::optional<std::pair<uint32_t, std::string>> preauth;
};

// A behaviour's answer. `login` set means: this connection is now logged in as that user.
struct command_result {
  result_code code = result_code::ok;
  std::string code_msg;  // empty: the code's standard text
  nlohmann::json data;
  std::optional<login_info> login;
};

// What a group send reports back.
struct group_send_result {
  result_code code = result_code::ok;
  uint32_t recipients = 0;
};

// What a join or leave answers: ok with `changed` (newly joined / was a member), or a refusal
// (add_failed past max_groups_per_user or max_groups_per_app).
struct membership_result {
  result_code code = result_code::ok;
  bool changed = false;
  std::string reason;  // for a refusal
};

// One page of an app's online user ids, in id order, and how many there are in all.
struct user_page {
  std::vector<std::string> users;
  uint32_t total = 0;
  std::string next_cursor;  // empty: this was the last page
};

// One connection ("client" in the management API): its conn id, who is logged in on it
// (app 0 and no user while anonymous), the node holding it and the peer's address.
struct client_info {
  std::string id;
  uint32_t app_id = 0;
  std::string user_id;
  std::string node;
  std::string remote;
};

// One page of connections, in conn id order (by node, then by number), and how many in all.
struct client_page {
  std::vector<client_info> clients;
  uint32_t total = 0;
  std::string next_cursor;  // empty: this was the last page
};

// One operation on one connection, named by its conn id, wherever it is (client_atom).
struct client_op {
  enum class kind : uint8_t {
    probe = 0,   // is it open
    close = 1,   // close it (close_reason::kicked)
    info = 2,    // who is on it
    send = 3,    // push `frame` to it
    bind = 4,    // log it in as (app_id, user_id), without a token: a backend's decision
  };
  kind what = kind::probe;
  std::string conn_id;
  uint32_t app_id = 0;     // bind
  std::string user_id;     // bind
  frame_ptr frame;         // send
};

// The answer: `found` when the connection is open; for bind, the login's result code.
struct client_reply {
  bool found = false;
  result_code code = result_code::ok;
  std::string code_msg;
  client_info info;  // found: the connection (info, bind: after the operation)
};

// One line of the operator console's "top groups" table.
struct group_summary {
  uint32_t app_id = 0;
  std::string name;
  uint32_t members = 0;
};

// --- atoms -----------------------------------------------------------------------------
// gateway -> node: (connect_atom, sink_ptr, remote address, preauth app, preauth user)
//   spawns a connection actor and hands it to the sink with sink->attach().
using connect_atom = caf::atom_constant<caf::atom("connect")>;
// session -> connection: (frame_atom, std::string text)
using frame_atom = caf::atom_constant<caf::atom("frame")>;
// session -> connection: (closed_atom, uint8 close_reason)   the socket is gone; quit
using closed_atom = caf::atom_constant<caf::atom("closed")>;
// -> connection: (close_atom, uint8 close_reason)   close the socket with that reason
using close_atom = caf::atom_constant<caf::atom("close")>;
// deadline wheel -> connection: (tick_atom)   check login and heartbeat deadlines
using tick_atom = caf::atom_constant<caf::atom("tick")>;
// connection -> deadline wheel: (at_atom, int64 steady-clock ns, actor_addr)   tick me then
using at_atom = caf::atom_constant<caf::atom("at")>;
// connection -> deadline wheel: (cancel_atom, actor_addr)   I quit: drop my entry
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
// -> deadline wheel, or -> node (delegated to its wheel): (size_atom) -> uint64 entries
//    waiting (tests, diagnostics)
using size_atom = caf::atom_constant<caf::atom("size")>;
// behaviour -> node: (login_atom, app, user_id, connection, sink_ptr, recovery_ptr,
//    user_profile) -> caf::actor user, or an invalid handle when the user has
//    max_connections_per_user connections here already. recovery_ptr (may be null): the
//    client's `since`, filled in by the node; user_profile: what `enter` pushes carry
using login_atom = caf::atom_constant<caf::atom("login")>;
// node -> user: (add_atom, connection, sink_ptr)   attach one more connection
using add_atom = caf::atom_constant<caf::atom("add")>;
// behaviour -> user: (join_atom, group) -> membership_result
// user -> node: (join_atom, app, group, user_id, user, user_sinks_ptr) -> membership_result
// node -> group: (join_atom, user_id, user, user_sinks_ptr) -> membership_result
//   (changed: newly joined). The user actor's group set is the authority on membership: it
//   answers a repeated join or a leave of a group it is not in by itself.
// user -> node: (local_atom, join_atom, …) the same, applied here only: what another node
//   told this one (member_atom); the plain form also tells the other nodes holding the user
using join_atom = caf::atom_constant<caf::atom("join")>;
// same shapes as join, without user handle and sinks towards node and group
//   -> membership_result (changed: was a member)
using leave_atom = caf::atom_constant<caf::atom("leave")>;
// -> node: (send_group_atom, app, group, sender user_id, bool check_member, frame_ptr)
//    -> group_send_result; node -> group: the same without app and group
using send_group_atom = caf::atom_constant<caf::atom("sendGroup")>;
// -> node: (send_app_atom, app, frame_ptr) -> uint32 users reached
using send_app_atom = caf::atom_constant<caf::atom("sendApp")>;
// -> node: (users_atom, app, cursor, uint32 limit) -> user_page: ids after `cursor` ("" from
//    the start), at most `limit`, in id order
using users_atom = caf::atom_constant<caf::atom("users")>;
// -> node: (kick_atom, app, user_id, reason) -> uint32: closes every connection of the user,
//    on every node (close code close_code(kicked), `reason` as the close frame's text, cut
//    to 123 bytes); (local_atom, kick_atom, …) this node's only. -> remote: (kick_atom,
//    user_key, reason) -> route_result (connections closed on the other nodes)
using kick_atom = caf::atom_constant<caf::atom("kick")>;
// -> node: (client_atom, client_op) -> client_reply: the operation on the connection, on
//    whichever node its id names (conn ids are "<node id>-<n>"); (local_atom, client_atom,
//    client_op) this node only. -> remote: (client_atom, node, client_op) -> client_reply
using client_atom = caf::atom_constant<caf::atom("client")>;
// -> node: (clients_atom, app, cursor, uint32 limit) -> client_page: the app's logged-in
//    connections after `cursor`, on every node; (clients_atom, app, user_id) -> client_page:
//    the user's connections, on every node. (local_atom, clients_atom, …) this node only.
//    -> remote: the same shapes (app, cursor, limit) and (user_key), the other nodes only
using clients_atom = caf::atom_constant<caf::atom("clients")>;
// node -> connection: (bind_atom, app, user_id) -> command_result   log in without a token
//    (ClientBindUid); answered with the login behaviour's result
using bind_atom = caf::atom_constant<caf::atom("bind")>;
// -> node: (unbind_atom, app, user_id) -> uint32: every connection of the user, on every
//    node, logs out and is anonymous again (UnBindUid); (local_atom, unbind_atom, …) this
//    node only. -> remote: (unbind_atom, user_key) -> route_result.
//    node -> connection: (unbind_atom)   log out; connection -> user: (unbind_atom, conn)
//    forget that connection
using unbind_atom = caf::atom_constant<caf::atom("unbind")>;
// -> node: (online_atom, app, user_id) -> bool
using online_atom = caf::atom_constant<caf::atom("online")>;
// -> node: (members_atom, app, group) -> std::vector<std::string>; node -> group: (members_atom)
using members_atom = caf::atom_constant<caf::atom("members")>;
// user -> node: (user_idle_atom, key, uint64 connections ever added)   "I have no connections"
using user_idle_atom = caf::atom_constant<caf::atom("userIdle")>;
// group -> node: (group_idle_atom, key, uint64 joins ever handled)   "I have no members"
using group_idle_atom = caf::atom_constant<caf::atom("groupIdle")>;
// group -> node: (group_size_atom, key, uint32 members)   after every membership change
using group_size_atom = caf::atom_constant<caf::atom("groupSize")>;
// -> node: (group_names_atom, app) -> std::vector<std::string>: the names of the app's groups,
//    on every node, sorted; (local_atom, group_names_atom, app) this node's. -> remote:
//    (group_names_atom, app), the other nodes'
using group_names_atom = caf::atom_constant<caf::atom("groupNames")>;
// -> node: (top_groups_atom, uint32 limit) -> std::vector<group_summary>, largest first
using top_groups_atom = caf::atom_constant<caf::atom("topGroups")>;
// -> behaviour: (handle_atom, command) -> command_result
using handle_atom = caf::atom_constant<caf::atom("handle")>;
// -> node: (registry_atom) -> registry_ptr   (startup only)
using registry_atom = caf::atom_constant<caf::atom("registry")>;
// -> node: (drain_atom) -> uint32: closes every connection with close_reason::drained (1001,
//    the close frame's text drain_close_text); the gateway stops accepting first (app/).
//    -> remote: (drain_atom, node id) -> route_result   DrainNode for another node
using drain_atom = caf::atom_constant<caf::atom("drain")>;
// The close frame's reason on a drained connection: the hint to reconnect (through the load
// balancer, to another node).
inline constexpr const char* drain_close_text = "node draining: reconnect";
// node -> node, every actor_stats_ms, high priority: (sample_atom)   sample the hot actors
using sample_atom = caf::atom_constant<caf::atom("sample")>;
// node -> behaviour | group, high priority: (mailbox_atom) -> uint64 messages waiting
using mailbox_atom = caf::atom_constant<caf::atom("mailbox")>;
// -> node: (shutdown_atom) -> uint32 connections asked to close
// node -> user | group: (shutdown_atom)   you are retired; quit
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::frame_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::sink_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::user_sinks_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::registry_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::command_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::group_send_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::membership_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::user_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::client_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::client_op)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::client_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<parley::group_summary>)
