// login: {appID, userID, serviceToken, since?} -> {clientID, appID, userID, recovery?}. Checks
// in the original's order: unreadable data 1001, bad user id 1002, appID not served 1003,
// already logged in 1009; then, with auth on, the token (1003). On success the node attaches
// the connection to the user actor and pushes `enter` to the app's other users.
//
// `since` ({"u:<userID>" | "room": "<id>"}, at most max_since entries): the newest message the
// client has of each conversation. Before anything newer, the connection gets what followed
// each id (and what was kept for the user), each once; `recovery` answers per conversation
// {recovered, delivered}: recovered false means the store no longer held everything after
// that id (a gap: read `history`). Groups recover through `history` after the join.
//
// `name`, `avatar` (optional): the user's profile (actors/profile/profile.hpp): a field given
// replaces the stored one; the reply carries the profile stored now, when there is one, and so
// do the `enter` pushes to the others. Bad values 1001; 1008 when a profile was given and the
// store could not keep it.
//
// `groups` (when there are any): the groups the user is in, kept past their last connection
// (actors/behaviours/groups/join_leave.cpp), joined again before the reply.
#include <ctime>

#include "actors/auth/token.hpp"
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/groups/memberships.hpp"
#include "actors/behaviours/profile/profiles.hpp"
#include "actors/store/recovery.hpp"
#include "config/logging.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

constexpr size_t max_since = 100;

// Reads `since`; false with `reason` when it is not an object of names to ids.
bool read_since(const nlohmann::json& data, uint32_t app_id, const std::string& user_id,
                recovery_ptr& out, std::string& reason) {
  auto it = data.find("since");
  if (it == data.end() || it->is_null()) return true;
  if (!it->is_object()) {
    reason = "since must be an object of conversation names to message ids";
    return false;
  }
  if (it->size() > max_since) {
    reason = "since holds at most " + std::to_string(max_since) + " conversations";
    return false;
  }
  out = std::make_shared<recovery>();
  for (const auto& [name, value] : it->items()) {
    recovery::entry e;
    e.name = name;
    auto conv = conversation::named(app_id, user_id, name);
    if (!conv || conv->what == conversation::kind::group ||
        (conv->what == conversation::kind::pair && !valid_user_id(name.substr(2)))) {
      reason = "since: '" + name.substr(0, 80) + "' is not u:<userID> or room (groups: history after join)";
      return false;
    }
    e.conv = *conv;
    auto id = value.is_string() ? message_id::parse(value.get<std::string>()) : std::nullopt;
    if (!id) {
      reason = "since: the id of '" + name.substr(0, 80) + "' is not a message id (<ms>-<seq>)";
      return false;
    }
    e.after = *id;
    out->since.push_back(std::move(e));
  }
  return true;
}

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
    recovery_ptr since;
    if (!read_since(data, app_id, user_id, since, reason))
      return reply_error(result_code::illegal_parameter, reason);
    profile_update update;
    if (!read_profile_update(data, update, reason))
      return reply_error(result_code::illegal_parameter, reason);
    if (!ctx.config->serves_app(app_id))
      return reply_error(result_code::unauthorized, "appID not served");
    if (c.login) return reply_error(result_code::operation_failed, "already logged in");
    if (auto problem = token_problem(ctx, c, app_id, user_id, token); !problem.empty()) {
      log::auth()->warn("login refused conn={} app={} user={} reason={}", c.conn_id, app_id,
                        log::safe(user_id), problem);
      return reply_error(result_code::unauthorized, problem);
    }
    auto rp = self->make_response_promise<command_result>();
    change_profile(self, ctx, app_id, user_id, update, [=](std::optional<user_profile> stored) mutable {
      if (!stored && update.any()) {
        rp.deliver(reply_error(result_code::store_failed, "the profile store is unavailable"));
        return;
      }
      if (!stored)
        log::node()->warn("login app={} user={}: profile not read (store unavailable)", app_id,
                          log::safe(user_id));
      auto profile = stored.value_or(user_profile{});
      self->request(ctx.node, caf::infinite, login_atom::value, app_id, user_id, c.connection,
                    c.sink, since, profile)
        .then(
            [=](const caf::actor& user) mutable {
              if (!user) {
                rp.deliver(reply_error(result_code::operation_failed,
                                       "user has " + std::to_string(ctx.config->max_connections_per_user) +
                                           " connections on this node already (max_connections_per_user)"));
                return;
              }
              nlohmann::json data{{"clientID", c.conn_id}, {"appID", app_id}, {"userID", user_id}};
              if (!profile.empty()) {
                data["name"] = profile.name;
                data["avatar"] = profile.avatar;
              }
              if (since) {
                auto& rec = data["recovery"] = nlohmann::json::object();
                for (const auto& e : since->since)
                  rec[e.name] = {{"recovered", e.recovered}, {"delivered", e.delivered}};
              }
              auto answer = [=](nlohmann::json data) mutable {
                auto result = reply_ok(std::move(data));
                result.login = login_info{app_id, user_id, user};
                rp.deliver(std::move(result));
              };
              // The groups the user was in when they left: joined again before the reply.
              read_memberships(self, ctx, app_id, user_id,
                               [=](std::optional<std::vector<std::string>> groups) mutable {
                if (!groups || groups->empty()) return answer(std::move(data));
                self->request(user, caf::infinite, member_atom::value, *groups)
                    .then([=](bool) mutable {
                            data["groups"] = *groups;
                            answer(std::move(data));
                          },
                          [=](caf::error&) mutable { answer(std::move(data)); });
              });
            },
            [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
    });
    return rp;
  }};
}

}  // namespace

behaviour_spec login() { return {"login", false, true, make}; }

}  // namespace parley::behaviours
