// profile: {name?, avatar?} -> {userID, name, avatar}: sets the caller's display name and
// avatar URL (a field given replaces the stored one, "" clears it; none given: reads). Bad
// values 1001 with the reason (actors/profile/profile.hpp); 1008 when Redis cannot be
// reached (store: redis). Backends run it over HTTP (POST/GET /user/profile) as any userID.
// Others see a profile in `enter` pushes and `users` replies (docs/protocol.md "Profiles").
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/profile/profiles.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    std::string reason;
    profile_update update;
    if (!read_profile_update(*c.data, update, reason))
      return reply_error(result_code::illegal_parameter, reason);
    auto user_id = c.login->user_id;
    if (!valid_user_id(user_id))
      return reply_error(result_code::illegal_user_id, "userID must be 1 to 19 bytes");
    auto rp = self->make_response_promise<command_result>();
    change_profile(self, ctx, c.login->app_id, user_id, update,
                   [=](std::optional<user_profile> p) mutable {
                     if (!p) {
                       rp.deliver(reply_error(result_code::store_failed,
                                              "the profile store is unavailable"));
                       return;
                     }
                     auto data = profile_json(*p);
                     data["userID"] = user_id;
                     rp.deliver(reply_ok(std::move(data)));
                   });
    return rp;
  }};
}

}  // namespace

behaviour_spec profile() { return {"profile", true, true, make}; }

}  // namespace parley::behaviours
