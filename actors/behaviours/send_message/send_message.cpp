// sendMessage: {userID, type, msg, msgID} -> {msgID, delivered}. Pushes `msg` to every
// connection of that user in the sender's appID. `delivered` is false when the user has no
// connection on this node (no offline store yet: the message is dropped and the sender told
// so). The recipient's sockets come from the node's user_directory: no round trip through
// the node actor or the user actor.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/outgoing_message.hpp"
#include "actors/node/user_directory.hpp"
#include "actors/stats/node_stats.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor*, behaviour_context ctx) {
  auto outgoing = std::make_shared<outgoing_messages>(*ctx.config);
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    std::string target, reason;
    if (!protocol::read_string(*c.data, "userID", target, true, reason))
      return reply_error(result_code::illegal_parameter, reason);
    if (!valid_user_id(target))
      return reply_error(result_code::illegal_user_id, "userID must be 1 to 19 bytes");
    auto p = outgoing->prepare(c, target);
    if (!p.frame) return p.answer;
    size_t sockets = 0;
    if (auto sinks = ctx.users->find(scoped_key(c.login->app_id, target)))
      sockets = sinks->deliver(p.frame);
    ctx.stats->pushes_delivered_total.fetch_add(sockets, std::memory_order_relaxed);
    nlohmann::json data{{"msgID", p.msg_id}, {"delivered", sockets > 0}};
    if (sockets > 0)
      outgoing->accepted(p, data);
    else
      outgoing->rejected(p);  // not delivered: a retry must be able to reach the user
    return reply_ok(std::move(data));
  }};
}

}  // namespace

behaviour_spec send_message() { return {"sendMessage", true, true, make}; }

}  // namespace parley::behaviours
