// users: {limit?, cursor?} -> {userList, userCount, nextCursor?}: the online users of the
// caller's appID on this node, one page at a time in id order. `userCount` is the total
// (gowebsocket clients read it); `limit` defaults to and is capped at user_list_page;
// `nextCursor`, when present, is the `cursor` of the next page. Also behind HTTP /user/list.
// `profiles` ({userID: {name, avatar}}) holds the profiles of the page's users who have one;
// an empty object when the profile store could not answer (the list itself still comes).
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/profile/profiles.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    std::string cursor, reason;
    uint32_t limit = ctx.config->user_list_page;
    if (!protocol::read_uint32(*c.data, "limit", limit, false, reason) ||
        !protocol::read_string(*c.data, "cursor", cursor, false, reason))
      return reply_error(result_code::illegal_parameter, reason);
    if (limit == 0 || limit > ctx.config->user_list_page)
      return reply_error(result_code::illegal_parameter,
                         "limit must be 1 to " + std::to_string(ctx.config->user_list_page));
    auto rp = self->make_response_promise<command_result>();
    self->request(ctx.node, caf::infinite, users_atom::value, c.login->app_id, cursor, limit)
        .then(
            [=](user_page& page) mutable {
              auto users = page.users;
              nlohmann::json data{{"userList", std::move(page.users)}, {"userCount", page.total}};
              if (!page.next_cursor.empty()) data["nextCursor"] = page.next_cursor;
              read_profiles(self, ctx, c.login->app_id, users,
                            [=](std::optional<std::vector<user_profile>> profiles) mutable {
                              auto& out = data["profiles"] = nlohmann::json::object();
                              for (size_t i = 0; profiles && i < profiles->size(); ++i)
                                if (!(*profiles)[i].empty()) out[users[i]] = profile_json((*profiles)[i]);
                              rp.deliver(reply_ok(std::move(data)));
                            });
            },
            [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
    return rp;
  }};
}

}  // namespace

behaviour_spec users() { return {"users", true, true, make}; }

}  // namespace parley::behaviours
