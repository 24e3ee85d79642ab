// sendMessage: {userID, type, msg, msgID} -> {msgID, delivered}. Pushes `msg` to every
// connection of that user in the sender's appID. `delivered` is false when the user is not
// online on this node (no offline store yet: the message is dropped and the sender told so).
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/outgoing_message.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  auto outgoing = std::make_shared<outgoing_messages>(std::chrono::seconds(ctx.config->dedup_window));
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    std::string target, reason;
    if (!protocol::read_string(*c.data, "userID", target, true, reason))
      return reply_error(result_code::illegal_parameter, reason);
    if (!valid_user_id(target))
      return reply_error(result_code::illegal_user_id, "userID must be 1 to 19 bytes");
    auto p = outgoing->prepare(c, target);
    if (p.duplicate) return reply_ok({{"msgID", p.msg_id}, {"duplicate", true}});
    if (!p.frame) return p.error;
    auto rp = self->make_response_promise<command_result>();
    self->request(ctx.node, caf::infinite, send_user_atom::value, c.login->app_id, target, p.frame)
        .then([=](bool online) mutable { rp.deliver(reply_ok({{"msgID", p.msg_id}, {"delivered", online}})); },
              [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
    return rp;
  }};
}

}  // namespace

behaviour_spec send_message() { return {"sendMessage", true, true, make}; }

}  // namespace parley::behaviours
