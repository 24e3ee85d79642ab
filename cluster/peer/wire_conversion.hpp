// wire_conversion: the only place that sees both the Protobuf wire types (proto/cluster.proto)
// and Parley's actor-side types. Everything else in cluster/ passes envelopes through
// untouched (peer streams) or works with peer_request / peer_answer only.
#pragma once

#include <cstdint>

#include "cluster/peer/peer_messages.hpp"
#include "proto/cluster.pb.h"

namespace parley::cluster {


// A request as the envelope the caller writes; `id` 0 when no answer is wanted.
void to_wire(uint64_t id, const peer_request& r, wire::Envelope& out);
void to_wire(uint64_t id, const peer_answer& a, wire::Envelope& out);

// What an incoming envelope is: a request (false when it holds an answer or nothing).
bool request_from_wire(const wire::Envelope& e, peer_request& out);
// An answer (false when it holds a request).
bool answer_from_wire(const wire::Envelope& e, peer_answer& out);

}  // namespace parley::cluster
