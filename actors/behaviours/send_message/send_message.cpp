// sendMessage: {userID, type, msg, msgID} -> {msgID, delivered, id, time, offline?}. Pushes
// `msg` to every connection of that user in the sender's appID. Delivery goes through
// routing::to_user: this node's sockets directly, other nodes of a cluster through the remote;
// 1009 when a node holding the user could not be asked.
//
// With a store (store: memory, the default) the message is stored in the pair's conversation
// first: `id` and `time` are its server id and time, in the push too. On a node alone, a
// message that reaches no socket is kept for the user and delivered at their next login
// (`offline: true`; actors/store/message_store.hpp); a cluster with the memory store does not
// keep it (docs/storage.md), and `delivered: false` then means it was dropped.
//
// With store: redis (a cluster's durable store) the message is stored in Redis first (1008
// and nothing delivered if that fails), then delivered wherever the user is; if it reached
// no socket, it is kept in Redis for the user's next login on any node (`offline: true`). The
// keep checks the directory in the same atomic step as the login's take: a user who logged
// in meanwhile is tried again instead, and kept for anyway if still not reached.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/outgoing_message.hpp"
#include "actors/behaviours/send_message/recipient_lanes.hpp"
#include "actors/routing/route.hpp"
#include "actors/stats/node_stats.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

using prepared = outgoing_messages::prepared;
using promise = caf::typed_response_promise<command_result>;

void answer_durable(const std::shared_ptr<outgoing_messages>& outgoing, const prepared& p,
                    promise rp, uint32_t sockets, bool offline) {
  nlohmann::json data{{"msgID", p.msg_id}, {"delivered", sockets > 0}};
  outgoing_messages::add_id(p, data);
  if (offline) data["offline"] = true;
  outgoing->accepted(p, data);
  rp.deliver(reply_ok(std::move(data)));
}

// Delivers a message stored in the durable store, or keeps it for the user (store: redis);
// then `done()`. `again`: the keep found the user online; a second miss keeps it without
// asking.
void deliver_durable(caf::event_based_actor* self, const behaviour_context& ctx,
                     std::shared_ptr<outgoing_messages> outgoing, const user_key& key,
                     const conversation& conv, const prepared& p, promise rp, bool again,
                     recipient_lanes::done_fn done) {
  auto here = routing::to_user_here(ctx, key, p.frame);
  routing::to_user_elsewhere(self, ctx, key, p.frame, here, [=](routing::delivery d) mutable {
    if (d.sockets > 0) {
      answer_durable(outgoing, p, rp, d.sockets, false);
      return done();
    }
    // Not reached: kept. A node holding the user that could not be asked keeps it too (the
    // user may be online there; they get it at their next login).
    bool force = again || d.incomplete;
    self->request(ctx.durable, outgoing_messages::durable_timeout, keep_atom::value, key, conv,
                  p.stored, force)
        .then(
            [=](keep_outcome k) mutable {
              if (k == keep_outcome::online)
                return deliver_durable(self, ctx, outgoing, key, conv, p, rp, true, done);
              answer_durable(outgoing, p, rp, 0, true);
              done();
            },
            [=](caf::error&) mutable {
              // Stored (history has it), but neither delivered nor kept.
              outgoing->rejected(p);
              rp.deliver(reply_error(result_code::store_failed,
                                     "stored, but not delivered and not kept for the user "
                                     "(the store is unavailable); id " + p.stored->message.id));
              done();
            });
  });
}

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  auto outgoing = std::make_shared<outgoing_messages>(*ctx.config);
  auto lanes = std::make_shared<recipient_lanes>();  // store: redis
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    std::string target, reason;
    if (!protocol::read_string(*c.data, "userID", target, true, reason))
      return reply_error(result_code::illegal_parameter, reason);
    if (!valid_user_id(target))
      return reply_error(result_code::illegal_user_id, "userID must be 1 to 19 bytes");
    auto p = outgoing->prepare(c, target, false);
    if (!p.ok) return p.answer;
    user_key key{c.login->app_id, target};
    if (ctx.durable) {
      auto rp = self->make_response_promise<command_result>();
      auto conv = conversation::pair(c.login->app_id, sender_of(c), target);
      // Stored in the order sent; delivered in that order too, one at a time per recipient.
      outgoing->store_durably(self, ctx, std::move(p), conv, rp, [=](const prepared& s) {
        lanes->run(scoped_key(key.app_id, key.user_id), [=](recipient_lanes::done_fn done) {
          deliver_durable(self, ctx, outgoing, key, conv, s, rp, false, std::move(done));
        });
      });
      return rp;
    }
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
