// sendAll: {type, msg, msgID} -> {msgID, recipients}. Pushes `msg` (target "") to every
// online user of the appID: the room of the original chat page. From a WebSocket the sender
// is the logged-in user; from a backend (POST /user/sendMessageAll) it is the form's userID.
// A client may do it only if its app has the right (client_send_all; by default every app
// while auth is off and none once it is on): 1003 otherwise. Backends always may. Stored in
// the app's room conversation (its id in the push and the answer).
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/outgoing_message.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  auto outgoing = std::make_shared<outgoing_messages>(*ctx.config);
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    if (c.origin == command_origin::websocket && !ctx.config->client_may_send_all(c.login->app_id))
      return reply_error(result_code::unauthorized, "sendAll is not allowed for clients of this app");
    auto p = outgoing->prepare(c, "", false);
    if (!p.ok) return p.answer;
    auto rp = self->make_response_promise<command_result>();
    auto app = c.login->app_id;
    auto send = [=](const outgoing_messages::prepared& p) mutable {
      self->request(ctx.node, caf::infinite, send_app_atom::value, app, p.frame)
          .then(
              [=](uint32_t n) mutable {
                nlohmann::json data{{"msgID", p.msg_id}, {"recipients", n}};
                outgoing_messages::add_id(p, data);
                outgoing->accepted(p, data);
                rp.deliver(reply_ok(std::move(data)));
              },
              [=](caf::error&) mutable {
                outgoing->rejected(p);
                rp.deliver(reply_error(result_code::server_error));
              });
    };
    if (ctx.durable) {  // store: redis: stored first (1008 and nothing sent if that fails)
      outgoing->store_durably(self, ctx, std::move(p), conversation::room(app), rp, send);
      return rp;
    }
    outgoing_messages::store(p, ctx.store.get(), conversation::room(app));
    outgoing->sending(p);
    send(p);
    return rp;
  }};
}

}  // namespace

behaviour_spec send_all() { return {"sendAll", true, true, make}; }

}  // namespace parley::behaviours
