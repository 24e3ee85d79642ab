// sendMessage: {userID, type, msg, msgID} -> {msgID, delivered, id, time, offline?}. Pushes
// `msg` to every connection of that user in the sender's appID. Delivery goes through
// routing::to_user: this node's sockets directly, other nodes of a cluster through the remote;
// 1009 when a node holding the user could not be asked.
//
// With a store (store: memory, the default) the message is stored in the pair's conversation
// first: `id` and `time` are its server id and time, in the push too. On a node alone, a
// message that reaches no socket is kept for the user and delivered at their next login
// (`offline: true`; actors/store/message_store.hpp); a cluster does not keep it yet
// (docs/storage.md), and `delivered: false` then means it was dropped.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/outgoing_message.hpp"
#include "actors/routing/route.hpp"
#include "actors/stats/node_stats.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  auto outgoing = std::make_shared<outgoing_messages>(*ctx.config);
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    std::string target, reason;
    if (!protocol::read_string(*c.data, "userID", target, true, reason))
      return reply_error(result_code::illegal_parameter, reason);
    if (!valid_user_id(target))
      return reply_error(result_code::illegal_user_id, "userID must be 1 to 19 bytes");
    auto p = outgoing->prepare(c, target, false);
    if (!p.ok) return p.answer;
    user_key key{c.login->app_id, target};
    outgoing_messages::store(p, ctx.store.get(),
                             conversation::pair(c.login->app_id, sender_of(c), target));
    if (ctx.store && !routing::has_elsewhere(ctx)) {
      // Reaches a socket of the user or is kept for them, in one step.
      routing::delivery here;
      auto outcome = ctx.store->deliver_or_keep(scoped_key(key.app_id, key.user_id), p.stored, [&] {
        here = routing::to_user_here(ctx, key, p.frame);
        return here.sockets;
      });
      nlohmann::json data{{"msgID", p.msg_id}, {"delivered", here.sockets > 0}};
      outgoing_messages::add_id(p, data);
      if (outcome == message_store::outcome::kept) data["offline"] = true;
      if (outcome == message_store::outcome::not_kept)
        outgoing->rejected(p);  // neither delivered nor kept: a retry is a new attempt
      else
        outgoing->accepted(p, data);
      return reply_ok(std::move(data));
    }
    auto here = routing::to_user_here(ctx, key, p.frame);
    auto answer = [outgoing](const outgoing_messages::prepared& p, routing::delivery d) {
      if (d.sockets == 0 && d.incomplete) {
        // A node holding the user could not be asked: neither "delivered" nor "offline".
        outgoing->rejected(p);
        return reply_error(result_code::operation_failed,
                           "the recipient's node is unreachable; retry");
      }
      nlohmann::json data{{"msgID", p.msg_id}, {"delivered", d.sockets > 0}};
      outgoing_messages::add_id(p, data);
      if (d.sockets > 0)
        outgoing->accepted(p, data);
      else
        outgoing->rejected(p);  // not delivered: a retry must be able to reach the user
      return reply_ok(std::move(data));
    };
    if (!routing::has_elsewhere(ctx)) return answer(p, here);
    outgoing->sending(p);
    auto rp = self->make_response_promise<command_result>();
    routing::to_user_elsewhere(self, ctx, key, p.frame, here,
                               [=](routing::delivery d) mutable { rp.deliver(answer(p, d)); });
    return rp;
  }};
}

}  // namespace

behaviour_spec send_message() { return {"sendMessage", true, true, make}; }

}  // namespace parley::behaviours
