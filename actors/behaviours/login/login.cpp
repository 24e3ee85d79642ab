// login: {appID, userID, serviceToken} -> {clientID}. Checks in the original's order:
// unreadable data 1001, bad user id 1002, appID not served 1003, already logged in 1009;
// then, with auth on, the token (1003). On success the node attaches the connection to the
// user actor and pushes `enter` to the app's other users.
#include <ctime>

#include "actors/auth/token.hpp"
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "config/logging.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

// Empty when the token (or the upgrade's pre-authentication) admits this user.
std::string token_problem(const behaviour_context& ctx, const command& c, uint32_t app_id,
                          const std::string& user_id, const std::string& token) {
  if (!ctx.config->auth_enabled()) return {};
  if (c.preauth && c.preauth->first == app_id && c.preauth->second == user_id) return {};
  if (token.empty()) return "missing serviceToken";
  auto status = auth::verify_token(ctx.config->auth_secret, ctx.config->auth_secret_previous,
                                   app_id, user_id, token,
                                   static_cast<int64_t>(std::time(nullptr)));
  if (status == auth::token_status::valid) return {};
  return std::string("token ") + auth::to_string(status);
}

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    std::string reason, user_id, token;
    uint32_t app_id = 0;
    const auto& data = *c.data;
    if (!protocol::read_uint32(data, "appID", app_id, true, reason) ||
        !protocol::read_string(data, "userID", user_id, false, reason) ||
        !protocol::read_string(data, "serviceToken", token, false, reason))
      return reply_error(result_code::illegal_parameter, reason);
    if (!valid_user_id(user_id))
      return reply_error(result_code::illegal_user_id, "userID must be 1 to 19 bytes");
    if (!ctx.config->serves_app(app_id))
      return reply_error(result_code::unauthorized, "appID not served");
    if (c.login) return reply_error(result_code::operation_failed, "already logged in");
    if (auto problem = token_problem(ctx, c, app_id, user_id, token); !problem.empty()) {
      log::auth()->warn("login refused conn={} app={} user={} reason={}", c.conn_id, app_id,
                        log::safe(user_id), problem);
      return reply_error(result_code::unauthorized, problem);
    }
    auto rp = self->make_response_promise<command_result>();
    self->request(ctx.node, caf::infinite, login_atom::value, app_id, user_id, c.connection, c.sink)
        .then(
            [=](const caf::actor& user) mutable {
              if (!user) {
                rp.deliver(reply_error(result_code::operation_failed,
                                       "user has " + std::to_string(ctx.config->max_connections_per_user) +
                                           " connections on this node already (max_connections_per_user)"));
                return;
              }
              auto result = reply_ok({{"clientID", c.conn_id}, {"appID", app_id},
                                      {"userID", user_id}});
              result.login = login_info{app_id, user_id, user};
              rp.deliver(std::move(result));
            },
            [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
    return rp;
  }};
}

}  // namespace

behaviour_spec login() { return {"login", false, true, make}; }

}  // namespace parley::behaviours
