// Read state (docs/storage.md), shared by all of a user's devices:
//   ack {conversation: "u:<userID>" | "g:<group>" | "room", upTo: id} -> {conversation, upTo}:
//     the user has read up to that message; the position never goes back and never passes
//     the conversation's newest message (upTo in the answer is what is held). 1005 when the
//     conversation holds nothing. A device that logs in later is not sent what was read
//     (neither kept messages nor `since` recovery).
//   unread {} -> {conversations: {name: {count, newest}}}: messages newer than the read
//     position and not sent by the user, in each private pair, each group the user is in
//     and the room; conversations with none left out.
// Both answer 1005 with store: off. With store: redis they read and write the positions in
// Redis (any node answers the same; 1008 when Redis cannot be reached).
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/store/durable_store.hpp"
#include "actors/store/message_store.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

constexpr std::chrono::seconds durable_timeout{10};

command_result unavailable() {
  return reply_error(result_code::store_failed, "the message store is unavailable");
}

nlohmann::json counts_json(const std::vector<message_store::unread_count>& counts,
                           const std::string& user_id) {
  auto list = nlohmann::json::object();
  for (const auto& u : counts)
    list[u.conv.name_for(user_id)] = {{"count", u.count}, {"newest", u.newest.str()}};
  return {{"conversations", std::move(list)}};
}

caf::behavior make_ack(caf::event_based_actor* self, behaviour_context ctx) {
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    if (!ctx.store && !ctx.durable)
      return reply_error(result_code::no_data, "read state is off (store: off)");
    std::string name, up_to, reason;
    if (!protocol::read_string(*c.data, "conversation", name, true, reason) ||
        !protocol::read_string(*c.data, "upTo", up_to, true, reason))
      return reply_error(result_code::illegal_parameter, reason);
    auto conv = conversation::named(c.login->app_id, c.login->user_id, name);
    if (!conv || (conv->what == conversation::kind::pair && !valid_user_id(name.substr(2))) ||
        (conv->what == conversation::kind::group && !valid_group_name(name.substr(2))))
      return reply_error(result_code::illegal_parameter,
                         "conversation must be u:<userID>, g:<group> or room");
    auto id = message_id::parse(up_to);
    if (!id) return reply_error(result_code::illegal_parameter, "upTo must be a message id (<ms>-<seq>)");
    if (ctx.durable) {
      auto rp = self->make_response_promise<command_result>();
      self->request(ctx.durable, durable_timeout, mark_read_atom::value, *conv, c.login->user_id, *id)
          .then(
              [=](const std::string& held) mutable {
                if (held.empty())
                  rp.deliver(reply_error(result_code::no_data, "nothing is stored in " + name));
                else
                  rp.deliver(reply_ok({{"conversation", name}, {"upTo", held}}));
              },
              [=](caf::error&) mutable { rp.deliver(unavailable()); });
      return rp;
    }
    auto held = ctx.store->ack(*conv, c.login->user_id, *id);
    if (!held) return reply_error(result_code::no_data, "nothing is stored in " + name);
    return reply_ok({{"conversation", name}, {"upTo", held->str()}});
  }};
}

command_result counts(message_store& store, const login_info& login,
                      const std::vector<std::string>& groups) {
  std::vector<conversation> others{conversation::room(login.app_id)};
  for (const auto& g : groups) others.push_back(conversation::group(login.app_id, g));
  return reply_ok(counts_json(store.unread(login.app_id, login.user_id, others), login.user_id));
}

// store: redis: the same counts, from Redis.
void counts_durable(caf::event_based_actor* self, const behaviour_context& ctx,
                    const login_info& login, const std::vector<std::string>& groups,
                    caf::typed_response_promise<command_result> rp) {
  std::vector<conversation> others{conversation::room(login.app_id)};
  for (const auto& g : groups) others.push_back(conversation::group(login.app_id, g));
  auto user_id = login.user_id;
  self->request(ctx.durable, durable_timeout, unread_atom::value, login.app_id, login.user_id,
                std::move(others))
      .then(
          [=](const std::vector<message_store::unread_count>& counts) mutable {
            rp.deliver(reply_ok(counts_json(counts, user_id)));
          },
          [=](caf::error&) mutable { rp.deliver(unavailable()); });
}

caf::behavior make_unread(caf::event_based_actor* self, behaviour_context ctx) {
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    if (!ctx.store && !ctx.durable)
      return reply_error(result_code::no_data, "read state is off (store: off)");
    if (!c.login->user && !ctx.durable) return counts(*ctx.store, *c.login, {});
    auto rp = self->make_response_promise<command_result>();
    auto store = ctx.store;
    auto login = *c.login;
    if (!c.login->user) {
      counts_durable(self, ctx, login, {}, rp);
      return rp;
    }
    self->request(c.login->user, caf::infinite, user_groups_atom::value)
        .then([=](const std::vector<std::string>& groups) mutable {
                if (ctx.durable)
                  counts_durable(self, ctx, login, groups, rp);
                else
                  rp.deliver(counts(*store, login, groups));
              },
              [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
    return rp;
  }};
}

}  // namespace

behaviour_spec ack() { return {"ack", true, true, make_ack}; }
behaviour_spec unread() { return {"unread", true, true, make_unread}; }

}  // namespace parley::behaviours
