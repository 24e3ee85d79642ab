// peer_messages: what one node asks another over its peer link, as plain actor-side types.
// cluster/peer/wire_conversion.cpp is the only file that maps them to and from the Protobuf
// envelopes of proto/cluster.proto.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace parley::cluster {

struct peer_request {
  enum class kind : uint8_t {
    user, group, app, users, online, members, member, user_groups, kick, client, clients,
    unbind, groups, drain
  };
  kind what = kind::user;
  uint32_t app_id = 0;
  std::string id;      // user id (user, online, member, user_groups, kick, clients, unbind),
                       // group (group, members), conn id (client)
  std::string sender;  // group: the sender; app: the user to leave out; member: the group;
                       // kick: the reason; client: the user id of a bind
  frame_ptr frame;     // user, group, app, client (send)
  std::string cursor;  // users, clients
  uint32_t limit = 0;  // users, clients
  uint8_t op = 0;      // client: a client_op::kind
  bool joined = false;       // member: joined (true) or left; client: close it
  bool wants_answer = true;  // false: presence broadcasts, membership changes
  size_t bytes() const { return 64 + id.size() + sender.size() + (frame ? frame->size() : 0); }
};

struct peer_answer {
  bool ok = false;
  uint32_t count = 0;
  std::vector<std::string> ids;
  uint32_t total = 0;
  std::string next_cursor;
  result_code code = result_code::ok;  // client
  std::string code_msg;                // client
  std::vector<client_info> clients;    // client, clients
  static peer_answer failed() { return {}; }
};

// One stream read's answers / requests, by request id: one actor message per read batch.
using answer_batch = std::vector<std::pair<uint64_t, peer_answer>>;
using request_batch = std::vector<std::pair<uint64_t, peer_request>>;

// stream reader -> peer link: (answer_atom, answer_batch)
using answer_atom = caf::atom_constant<caf::atom("answer")>;
// -> self, after the envelopes of this mailbox turn: (flush_atom)   write them in one go
using flush_atom = caf::atom_constant<caf::atom("flush")>;
// drain callback -> inbound actor: (drained_atom, request id, uint32 connections closed)
using drained_atom = caf::atom_constant<caf::atom("drained")>;
// stream -> peer link: (link_down_atom, uint64 stream generation, std::string why)
using link_down_atom = caf::atom_constant<caf::atom("linkDown")>;
// peer link, timer: (sweep_atom)  fail requests older than peer_timeout_ms
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
// peer link, timer: (reconnect_atom)  open the stream again
using reconnect_atom = caf::atom_constant<caf::atom("reconnect")>;
// server stream -> inbound actor: (request_atom, request_batch)
using request_atom = caf::atom_constant<caf::atom("request")>;

}  // namespace parley::cluster

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::cluster::peer_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::cluster::peer_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::cluster::answer_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::cluster::request_batch)
