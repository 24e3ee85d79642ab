// login: {appID, userID, serviceToken, since?} -> {clientID, appID, userID, recovery?}. Checks
// in the original's order: unreadable data 1001, bad user id 1002, appID not served 1003,
// already logged in 1009; then, with auth on, the token (1003). On success the node attaches
// the connection to the user actor and pushes `enter` to the app's other users.
//
// `since` ({"u:<userID>" | "g:<group>" | "room": "<id>"}, at most max_since entries): the
// newest message the client has of each conversation. Before anything newer, the connection
// gets what followed each id (and what was kept for the user), each once; `recovery` answers
// per conversation {recovered, delivered}: recovered false means the store no longer held
// everything after that id (a gap: read `history`), or, for a group, that the user is not in
// it. Groups recover after the re-join (below), on a socket held meanwhile: what a group
// pushes live during the login comes after the recovered messages, and not twice.
//
// `name`, `avatar` (optional): the user's profile (actors/profile/profile.hpp): a field given
// replaces the stored one; the reply carries the profile stored now, when there is one, and so
// do the `enter` pushes to the others. Bad values 1001; 1008 when a profile was given and the
// store could not keep it.
//
// `groups` (when there are any): the groups the user is in, kept past their last connection
// (actors/behaviours/groups/join_leave.cpp), joined again before the reply.
#include <algorithm>
#include <ctime>
#include <functional>

#include "actors/auth/token.hpp"
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/connection/connection_sink.hpp"
#include "actors/behaviours/groups/memberships.hpp"
#include "actors/behaviours/profile/profiles.hpp"
#include "actors/store/durable_store.hpp"
#include "actors/store/recovered_filter.hpp"
#include "actors/store/recovery.hpp"
#include "config/logging.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

constexpr size_t max_since = 100;

// Reads `since` into `since` (private pairs, the room: the node recovers them) and `groups`
// (recovered here, after the re-join); false with `reason` when it is not an object of
// conversation names to ids.
bool read_since(const nlohmann::json& data, uint32_t app_id, const std::string& user_id,
                recovery_ptr& since, recovery_ptr& groups, std::string& reason) {
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
  for (const auto& [name, value] : it->items()) {
    recovery::entry e;
    e.name = name;
    auto conv = conversation::named(app_id, user_id, name);
    if (!conv || (conv->what == conversation::kind::pair && !valid_user_id(name.substr(2))) ||
        (conv->what == conversation::kind::group && !valid_group_name(conv->a))) {
      reason = "since: '" + name.substr(0, 80) + "' is not u:<userID>, g:<group> or room";
      return false;
    }
    e.conv = *conv;
    auto id = value.is_string() ? message_id::parse(value.get<std::string>()) : std::nullopt;
    if (!id) {
      reason = "since: the id of '" + name.substr(0, 80) + "' is not a message id (<ms>-<seq>)";
      return false;
    }
    e.after = *id;
    auto& into = conv->what == conversation::kind::group ? groups : since;
    if (!into) into = std::make_shared<recovery>();
    into->since.push_back(std::move(e));
  }
  if (!since && !groups) since = std::make_shared<recovery>();  // `since: {}`: an empty answer
  return true;
}

// How long a group recovery's filter drops live copies of what it delivered (see
// actors/store/recovered_filter.hpp): far longer than a push takes from a group to a socket.
constexpr auto recovery_filter_lifetime = std::chrono::seconds(10);

// The groups of `since` (`wanted`): once the user is in them again, the messages after each
// id, ahead of what the held socket received meanwhile, without the live copies of those;
// then the socket is released and `done()` runs. A group the user is not in recovers
// nothing (recovered false, as for a gap: its history answers 1003).
void recover_groups(caf::event_based_actor* self, const behaviour_context& ctx, uint32_t app_id,
                    const std::string& user_id, const caf::actor& user, const sink_ptr& sink,
                    const recovery_ptr& wanted, std::function<void()> done) {
  auto release = [=](std::vector<stored_ptr> messages) {
    auto filter = std::make_shared<recovered_filter>(recovery_filter_lifetime);
    std::vector<frame_ptr> frames;
    frames.reserve(messages.size());
    for (const auto& m : messages) {
      filter->add(m->message.target, *m);
      frames.push_back(m->frame);
    }
    ctx.stats->pushes_delivered_total.fetch_add(frames.size(), std::memory_order_relaxed);
    sink->release(std::move(frames), filter->empty() ? nullptr : filter);
    done();
  };
  self->request(user, caf::infinite, user_groups_atom::value)
      .then(
          [=](const std::vector<std::string>& groups) {
            auto mine = std::make_shared<recovery>();  // the entries of groups the user is in
            auto index = std::make_shared<std::vector<size_t>>();
            for (size_t i = 0; i < wanted->since.size(); ++i) {
              auto& e = wanted->since[i];
              if (std::find(groups.begin(), groups.end(), e.conv.a) == groups.end()) continue;
              mine->since.push_back(e);
              index->push_back(i);
            }
            auto copy_back = [=] {
              for (size_t k = 0; k < index->size(); ++k) wanted->since[(*index)[k]] = mine->since[k];
            };
            if (mine->since.empty()) return release({});
            if (ctx.durable) {
              self->request(ctx.durable, std::chrono::seconds(10), recover_atom::value,
                            user_key{app_id, user_id}, mine)
                  .then(
                      [=](std::vector<stored_ptr>& messages) {
                        copy_back();
                        release(std::move(messages));
                      },
                      [=](caf::error&) {
                        log::node()->warn("login app={} user={}: group recovery failed", app_id,
                                          log::safe(user_id));
                        release({});  // recovered false: the client reads history
                      });
              return;
            }
            std::vector<stored_ptr> messages;
            if (ctx.store)
              for (auto& e : mine->since) {
                auto part = ctx.store->recover(user_id, e);
                messages.insert(messages.end(), part.begin(), part.end());
              }
            copy_back();
            release(std::move(messages));
          },
          [=](caf::error&) { release({}); });
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
    recovery_ptr since, group_since;
    if (!read_since(data, app_id, user_id, since, group_since, reason))
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
      // A group recovery holds the socket from before it becomes deliverable until the
      // recovered messages are ahead of everything live (recover_groups).
      if (group_since) c.sink->hold();
      auto unhold = [=] {
        if (group_since) c.sink->release({});
      };
      self->request(ctx.node, caf::infinite, login_atom::value, app_id, user_id, c.connection,
                    c.sink, since && !since->since.empty() ? since : recovery_ptr{}, profile)
        .then(
            [=](const caf::actor& user) mutable {
              if (!user) {
                unhold();
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
              auto answer = [=](nlohmann::json data) mutable {
                if (since || group_since) {
                  auto& rec = data["recovery"] = nlohmann::json::object();
                  for (const auto* part : {since.get(), group_since.get()})
                    if (part)
                      for (const auto& e : part->since)
                        rec[e.name] = {{"recovered", e.recovered}, {"delivered", e.delivered}};
                }
                auto result = reply_ok(std::move(data));
                result.login = login_info{app_id, user_id, user};
                rp.deliver(std::move(result));
              };
              auto recover_then_answer = [=](nlohmann::json data) mutable {
                if (!group_since) return answer(std::move(data));
                recover_groups(self, ctx, app_id, user_id, user, c.sink, group_since,
                               [=]() mutable { answer(std::move(data)); });
              };
              // The groups the user was in when they left: joined again before the reply.
              read_memberships(self, ctx, app_id, user_id,
                               [=](std::optional<std::vector<std::string>> groups) mutable {
                if (!groups || groups->empty()) return recover_then_answer(std::move(data));
                self->request(user, caf::infinite, member_atom::value, *groups)
                    .then([=](bool) mutable {
                            data["groups"] = *groups;
                            recover_then_answer(std::move(data));
                          },
                          [=](caf::error&) mutable { recover_then_answer(std::move(data)); });
              });
            },
            [=](caf::error&) mutable {
              unhold();
              rp.deliver(reply_error(result_code::server_error));
            });
    });
    return rp;
  }};
}

}  // namespace

behaviour_spec login() { return {"login", false, true, make}; }

}  // namespace parley::behaviours
