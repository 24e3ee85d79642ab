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
    size_t sockets = 0;
    if (auto sinks = ctx.users->find(scoped_key(c.login->app_id, target)))
      sockets = sinks->deliver(p.frame);
    ctx.stats->pushes_delivered_total.fetch_add(sockets, std::memory_order_relaxed);
    return reply_ok({{"msgID", p.msg_id}, {"delivered", sockets > 0}});
  }};
}

}  // namespace

behaviour_spec send_message() { return {"sendMessage", true, true, make}; }

}  // namespace parley::behaviours
