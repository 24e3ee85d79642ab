// drain: what DrainNode does to this node, given to the cluster by the node runtime (app/),
// which owns the listener: stop accepting, close every connection with 1001 and a reconnect
// hint (close_reason::drained), then call `done(connections closed)`. Called from any
// thread, by the management API (DrainNode for this node) or by a peer (DrainNode asked of
// another node).
#pragma once

#include <cstdint>
#include <functional>

namespace parley::cluster {

using drain_fn = std::function<void(std::function<void(uint32_t)> done)>;

}  // namespace parley::cluster
