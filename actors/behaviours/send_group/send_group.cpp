// sendGroup: {group, type, msg, msgID} -> {msgID, recipients}. Pushes `msg` to every member
// of the group, the sender's own devices included. A WebSocket sender must be a member
// (1003 otherwise); backends (HTTP /group/send) may send to any group.
//
// With store: redis the sender's membership is checked first (the user actor's groups),
// then the message is stored in Redis (1008 and nothing sent if that fails), then sent.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/outgoing_message.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

using prepared = outgoing_messages::prepared;
using promise = caf::typed_response_promise<command_result>;

// The send itself: the node reaches the members here and on the other nodes.
void send_stored(caf::event_based_actor* self, const behaviour_context& ctx,
                 std::shared_ptr<outgoing_messages> outgoing, const command& c,
                 const std::string& group, const prepared& p, promise rp) {
  self->request(ctx.node, caf::infinite, send_group_atom::value, c.login->app_id, group,
                sender_of(c), c.origin == command_origin::websocket, p.frame)
      .then(
          [=](const group_send_result& r) mutable {
            if (r.code != result_code::ok) {
              outgoing->rejected(p);
              rp.deliver(reply_error(r.code, "not a member of group " + group));
              return;
            }
            nlohmann::json data{{"msgID", p.msg_id}, {"recipients", r.recipients}};
            outgoing_messages::add_id(p, data);
            outgoing->accepted(p, data);
            rp.deliver(reply_ok(std::move(data)));
          },
          [=](caf::error&) mutable {
            outgoing->rejected(p);
            rp.deliver(reply_error(result_code::server_error));
          });
}

// store: redis: member check, store, send.
caf::result<command_result> send_durable(caf::event_based_actor* self, const behaviour_context& ctx,
                                         std::shared_ptr<outgoing_messages> outgoing,
                                         const command& c, const std::string& group, prepared p) {
  auto rp = self->make_response_promise<command_result>();
  auto conv = conversation::group(c.login->app_id, group);
  auto store_and_send = [=]() mutable {
    outgoing->store_durably(self, ctx, std::move(p), conv, rp, [=](const prepared& s) {
      send_stored(self, ctx, outgoing, c, group, s, rp);
    });
  };
  if (c.origin != command_origin::websocket || !c.login->user) {
    store_and_send();
    return rp;
  }
  self->request(c.login->user, caf::infinite, user_groups_atom::value)
      .then(
          [=](const std::vector<std::string>& groups) mutable {
            if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
              rp.deliver(reply_error(result_code::unauthorized, "not a member of group " + group));
              return;
            }
            store_and_send();
          },
          [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
  return rp;
}

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  auto outgoing = std::make_shared<outgoing_messages>(*ctx.config);
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    std::string group, reason;
    if (!protocol::read_string(*c.data, "group", group, true, reason))
      return reply_error(result_code::illegal_parameter, reason);
    if (!valid_group_name(group))
      return reply_error(result_code::illegal_parameter, "group must be 1 to 64 bytes");
    auto p = outgoing->prepare(c, group, false);
    if (!p.ok) return p.answer;
    if (ctx.durable) return send_durable(self, ctx, outgoing, c, group, std::move(p));
    // Stored before it goes out (its id is in the push); taken back if the sender turns out
    // not to be a member.
    auto conv = conversation::group(c.login->app_id, group);
    outgoing_messages::store(p, ctx.store.get(), conv);
    bool check_member = c.origin == command_origin::websocket;
    outgoing->sending(p);
    auto rp = self->make_response_promise<command_result>();
    self->request(ctx.node, caf::infinite, send_group_atom::value, c.login->app_id, group,
                  sender_of(c), check_member, p.frame)
        .then(
            [=](const group_send_result& r) mutable {
              if (r.code != result_code::ok) {
                if (p.stored) ctx.store->erase(conv, p.stored->id);
                outgoing->rejected(p);
                rp.deliver(reply_error(r.code, "not a member of group " + group));
                return;
              }
              nlohmann::json data{{"msgID", p.msg_id}, {"recipients", r.recipients}};
              outgoing_messages::add_id(p, data);
              outgoing->accepted(p, data);
              rp.deliver(reply_ok(std::move(data)));
            },
            [=](caf::error&) mutable {
              if (p.stored) ctx.store->erase(conv, p.stored->id);
              outgoing->rejected(p);
              rp.deliver(reply_error(result_code::server_error));
            });
    return rp;
  }};
}

}  // namespace

behaviour_spec send_group() { return {"sendGroup", true, true, make}; }

}  // namespace parley::behaviours
