// route: how a behaviour delivers to a user, wherever the user is. The one routing call the
// behaviours make for private messages; they never learn whether the user is here, on other
// nodes, or both.
//
// Local delivery keeps its direct fast path: the user's sockets on this node come from the
// node's user_directory, with no actor hop, and a node alone stops there (answered in the same
// turn, as before the cluster). With a cluster, the other nodes holding the user are then
// asked through the remote: one forward per node, not per device.
#pragma once

#include <utility>

#include "actors/node/user_directory.hpp"
#include "actors/registry/behaviour_registry.hpp"
#include "actors/routing/remote.hpp"
#include "actors/stats/node_stats.hpp"

namespace parley::routing {

// What a delivery reached: sockets here and elsewhere, and whether some of the user's nodes
// could not be asked (then `reached == 0` does not mean "offline").
struct delivery {
  uint32_t sockets = 0;
  bool incomplete = false;
};

// Delivers to the user's sockets on this node (no actor hop).
inline delivery to_user_here(const behaviour_context& ctx, const user_key& key,
                             const frame_ptr& frame) {
  uint32_t here = 0;
  if (auto sinks = ctx.users->find(scoped_key(key.app_id, key.user_id)))
    here = static_cast<uint32_t>(sinks->deliver(frame));
  ctx.stats->pushes_delivered_total.fetch_add(here, std::memory_order_relaxed);
  return delivery{here, false};
}

// True when the user may also be on other nodes (a cluster): then call to_user_elsewhere.
inline bool has_elsewhere(const behaviour_context& ctx) { return static_cast<bool>(ctx.remote); }

// Delivers on the other nodes holding the user and calls done(delivery) once with `here`
// added.
template <class Self, class Done>
void to_user_elsewhere(Self* self, const behaviour_context& ctx, const user_key& key,
                       const frame_ptr& frame, delivery here, Done done) {
  self->request(ctx.remote, caf::infinite, route_user_atom::value, key, frame)
      .then(
          [=](const route_result& there) mutable {
            done(delivery{here.sockets + there.reached, there.failed > 0 || there.degraded});
          },
          [=](caf::error&) mutable { done(delivery{here.sockets, true}); });
}

}  // namespace parley::routing
