// sendClient: {clientID, type, msg, msgID} -> {msgID, delivered}. Pushes `msg` to one
// connection, named by its clientID (the login reply's clientID), on whichever node holds
// it: a backend's SendMessageToClient (gRPC). Backends only (not reachable from WebSocket): a
// client addresses users, never another device by its id. `delivered` is false when that
// connection is not open or not logged in to the sender's app. The push shows the clientID
// as its target.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/outgoing_message.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  auto outgoing = std::make_shared<outgoing_messages>(*ctx.config);
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    std::string client, reason;
    if (!protocol::read_string(*c.data, "clientID", client, true, reason))
      return reply_error(result_code::illegal_parameter, reason);
    auto p = outgoing->prepare(c, client);
    if (!p.ok) return p.answer;
    outgoing->sending(p);
    client_op op;
    op.what = client_op::kind::send;
    op.conn_id = client;
    op.app_id = c.login->app_id;  // a connection of another app is not reached
    op.frame = p.frame;
    auto rp = self->make_response_promise<command_result>();
    self->request(ctx.node, caf::infinite, client_atom::value, std::move(op))
        .then(
            [=](const client_reply& r) mutable {
              bool delivered = r.found && r.code == result_code::ok;
              if (r.code == result_code::server_error) {
                outgoing->rejected(p);
                rp.deliver(reply_error(result_code::operation_failed,
                                       "the client's node is unreachable; retry"));
                return;
              }
              nlohmann::json data{{"msgID", p.msg_id}, {"delivered", delivered}};
              if (delivered)
                outgoing->accepted(p, data);
              else
                outgoing->rejected(p);
              rp.deliver(reply_ok(std::move(data)));
            },
            [=](caf::error&) mutable {
              outgoing->rejected(p);
              rp.deliver(reply_error(result_code::server_error));
            });
    return rp;
  }};
}

}  // namespace

behaviour_spec send_client() { return {"sendClient", true, false, make}; }

}  // namespace parley::behaviours
