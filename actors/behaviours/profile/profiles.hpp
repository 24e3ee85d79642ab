// profiles: how behaviours read and change profiles without knowing where they are kept --
// the node's profile_store (answered at once) or, with store: redis, the durable store (one
// round trip). A callback gets nullopt when the store could not answer (the caller says
// 1008).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/profile/profile_store.hpp"
#include "actors/registry/behaviour_registry.hpp"

namespace parley::behaviours {

constexpr std::chrono::seconds profile_timeout{10};

// Applies `update` (none given: reads) and hands over what is stored now.
inline void change_profile(caf::event_based_actor* self, const behaviour_context& ctx,
                           uint32_t app_id, const std::string& user_id, const profile_update& update,
                           std::function<void(std::optional<user_profile>)> done) {
  if (!ctx.durable) {
    if (!ctx.profiles) return done(user_profile{});
    return done(update.any() ? ctx.profiles->update(app_id, user_id, update)
                             : ctx.profiles->get(app_id, user_id));
  }
  auto ok = [done](user_profile& p) { done(std::move(p)); };
  auto failed = [done](caf::error&) { done(std::nullopt); };
  if (update.any())
    self->request(ctx.durable, profile_timeout, profile_atom::value, user_key{app_id, user_id}, update)
        .then(ok, failed);
  else
    self->request(ctx.durable, profile_timeout, profile_atom::value, user_key{app_id, user_id})
        .then(ok, failed);
}

// The profiles of `users`, in their order.
inline void read_profiles(caf::event_based_actor* self, const behaviour_context& ctx,
                          uint32_t app_id, std::vector<std::string> users,
                          std::function<void(std::optional<std::vector<user_profile>>)> done) {
  if (!ctx.durable) {
    if (!ctx.profiles) return done(std::vector<user_profile>(users.size()));
    return done(ctx.profiles->get_many(app_id, users));
  }
  self->request(ctx.durable, profile_timeout, profiles_atom::value, app_id, std::move(users))
      .then([done](std::vector<user_profile>& p) { done(std::move(p)); },
            [done](caf::error&) { done(std::nullopt); });
}

}  // namespace parley::behaviours
