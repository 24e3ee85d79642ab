// memberships: how behaviours read and record the groups a user is in past their last
// connection, without knowing where they are kept -- the node's membership_store (answered
// at once) or, with store: redis, the durable store (one round trip). The callback gets
// nullopt / false when the store could not answer.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/group/membership_store.hpp"
#include "actors/registry/behaviour_registry.hpp"

namespace parley::behaviours {

constexpr std::chrono::seconds membership_timeout{10};

inline void record_membership(caf::event_based_actor* self, const behaviour_context& ctx,
                              uint32_t app_id, const std::string& user_id, const std::string& group,
                              bool member, std::function<void(bool)> done) {
  if (!ctx.durable) {
    if (ctx.memberships) ctx.memberships->set(app_id, user_id, group, member);
    return done(true);
  }
  self->request(ctx.durable, membership_timeout, membership_atom::value, user_key{app_id, user_id},
                group, member)
      .then([done](bool) { done(true); }, [done](caf::error&) { done(false); });
}

inline void read_memberships(caf::event_based_actor* self, const behaviour_context& ctx,
                             uint32_t app_id, const std::string& user_id,
                             std::function<void(std::optional<std::vector<std::string>>)> done) {
  if (!ctx.durable)
    return done(ctx.memberships ? ctx.memberships->groups(app_id, user_id) : std::vector<std::string>{});
  self->request(ctx.durable, membership_timeout, membership_atom::value, user_key{app_id, user_id})
      .then([done](std::vector<std::string>& g) { done(std::move(g)); },
            [done](caf::error&) { done(std::nullopt); });
}

}  // namespace parley::behaviours
