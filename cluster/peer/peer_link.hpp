// peer_link: the actor that owns this node's one long-lived bidirectional gRPC stream to one
// other node. Requests (peer_request) are written to the stream in batches (batch_writer);
// answers come back on the same stream, matched by request id, and are delivered to whoever
// asked. The envelopes of one mailbox turn are written together: the first one schedules a
// flush message behind what is already in the mailbox (corking without a timer). Per link:
// - the queue is bounded in bytes (peer_queue_bytes): past it a request is answered at once
//   with a failed peer_answer and counted (peer_drops_total), never queued without bound;
// - a request not answered within peer_timeout_ms fails (peer_timeouts_total); the answer, if
//   it comes later, is dropped;
// - a broken stream fails what waits (peer_failures_total) and is opened again with jittered
//   back-off, 50 ms doubling to 2 s;
// - a channel that stays unconnected for 4 s is replaced by a new one (a new name resolution),
//   logged and counted (peer_channel_resets_total).
// Order: requests leave in the order the link received them, over one stream, and the far
// side handles them in that order (peer_service.hpp): one sender's messages to one receiver
// keep their order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/stats/cluster_stats.hpp"
#include "cluster/peer/peer_messages.hpp"

namespace parley::cluster {

// -> peer link: (forward_atom, peer_request)   no answer wanted (presence, broadcasts)
using forward_atom = caf::atom_constant<caf::atom("forward")>;

using peer_link_actor = caf::typed_actor<
    caf::replies_to<peer_request>::with<peer_answer>,
    caf::reacts_to<forward_atom, peer_request>,
    caf::reacts_to<answer_atom, answer_batch>,
    caf::reacts_to<flush_atom>,
    caf::reacts_to<link_down_atom, uint64_t, std::string>,
    caf::reacts_to<sweep_atom>,
    caf::reacts_to<reconnect_atom>>;

struct peer_link_setup {
  std::string self_node;   // sent to the peer as x-parley-node
  std::string peer_node;
  std::string address;     // the peer's gRPC HOST:PORT
  std::string secret;      // sent as x-parley-secret when not empty
  size_t queue_bytes = 8u << 20;
  uint32_t timeout_ms = 2000;
  cluster_stats* stats = nullptr;
};

peer_link_actor spawn_peer_link(caf::actor_system& system, peer_link_setup setup);

}  // namespace parley::cluster
