// users: {} -> {userList, userCount}: the online users of the caller's appID on this node.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    auto rp = self->make_response_promise<command_result>();
    self->request(ctx.node, caf::infinite, users_atom::value, c.login->app_id)
        .then(
            [=](std::vector<std::string>& list) mutable {
              auto count = list.size();
              rp.deliver(reply_ok({{"userList", std::move(list)}, {"userCount", count}}));
            },
            [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
    return rp;
  }};
}

}  // namespace

behaviour_spec users() { return {"users", true, true, make}; }

}  // namespace parley::behaviours
