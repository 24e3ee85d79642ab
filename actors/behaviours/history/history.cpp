// history: {with: userID | group: name, before?: id, limit?: 1..100} -> {messages, more,
// nextBefore?}: one page of a conversation the caller belongs to, newest first, from the
// node's message store (store: memory). `before` is a message id: the page holds the
// messages older than it; `nextBefore` (when `more`) is the `before` of the next page, so
// paging from the newest covers the conversation exactly once. A private pair belongs to its
// two users; a group to its members (1003 for others, from a WebSocket: backends, over HTTP
// GET /history, may read any). 1005 with store: off. Also behind HTTP GET /history. With
// store: redis the page is read from the conversation's Redis stream (any node answers the
// same), 1008 when Redis cannot be read.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/store/durable_store.hpp"
#include "actors/store/message_store.hpp"
#include "config/node_config.hpp"

namespace parley::behaviours {
namespace {

constexpr uint32_t max_limit = 100;
constexpr uint32_t default_limit = 50;

nlohmann::json to_json(const stored_message& s) {
  const auto& m = s.message;
  return {{"id", m.id},     {"time", m.time_ms}, {"from", m.from},    {"target", m.target},
          {"type", m.type}, {"msg", m.msg},      {"msgID", m.msg_id}};
}

nlohmann::json page_json(const std::vector<stored_ptr>& messages, bool more) {
  auto list = nlohmann::json::array();
  for (const auto& m : messages) list.push_back(to_json(*m));
  nlohmann::json data{{"messages", std::move(list)}, {"more", more}};
  if (more && !messages.empty()) data["nextBefore"] = messages.back()->message.id;
  return data;
}

// Answers `rp` with one page of `conv` from the durable store (store: redis).
void page_durable(caf::event_based_actor* self, const behaviour_context& ctx,
                  const conversation& conv, const std::optional<message_id>& before,
                  uint32_t limit, caf::typed_response_promise<command_result> rp) {
  self->request(ctx.durable, std::chrono::seconds(10), history_atom::value, conv,
                before ? before->str() : std::string(), limit)
      .then([=](const history_page& page) mutable {
              rp.deliver(reply_ok(page_json(page.messages, page.more)));
            },
            [=](caf::error&) mutable {
              rp.deliver(reply_error(result_code::store_failed, "the message store is unavailable"));
            });
}

command_result page_of(message_store& store, const conversation& conv,
                       const std::optional<message_id>& before, uint32_t limit) {
  auto page = store.history(conv, before, limit);
  return reply_ok(page_json(page.messages, page.more));
}

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    if (!ctx.store && !ctx.durable)
      return reply_error(result_code::no_data, "history is off (store: off)");
    std::string with, group, before_text, reason;
    uint32_t limit = default_limit;
    const auto& data = *c.data;
    if (!protocol::read_string(data, "with", with, false, reason) ||
        !protocol::read_string(data, "group", group, false, reason) ||
        !protocol::read_string(data, "before", before_text, false, reason) ||
        !protocol::read_uint32(data, "limit", limit, false, reason))
      return reply_error(result_code::illegal_parameter, reason);
    if (with.empty() == group.empty())
      return reply_error(result_code::illegal_parameter, "give one of with (a userID) or group");
    if (limit == 0 || limit > max_limit)
      return reply_error(result_code::illegal_parameter,
                         "limit must be 1 to " + std::to_string(max_limit));
    std::optional<message_id> before;
    if (!before_text.empty()) {
      before = message_id::parse(before_text);
      if (!before) return reply_error(result_code::illegal_parameter, "before must be a message id (<ms>-<seq>)");
    }
    auto app = c.login->app_id;
    if (!with.empty()) {
      if (!valid_user_id(with))
        return reply_error(result_code::illegal_user_id, "with must be a userID of 1 to 19 bytes");
      auto conv = conversation::pair(app, c.login->user_id, with);
      if (!ctx.durable) return page_of(*ctx.store, conv, before, limit);
      auto rp = self->make_response_promise<command_result>();
      page_durable(self, ctx, conv, before, limit, rp);
      return rp;
    }
    if (!valid_group_name(group))
      return reply_error(result_code::illegal_parameter, "group must be 1 to 64 bytes");
    auto conv = conversation::group(app, group);
    if (c.origin != command_origin::websocket || !c.login->user) {
      if (!ctx.durable) return page_of(*ctx.store, conv, before, limit);
      auto rp = self->make_response_promise<command_result>();
      page_durable(self, ctx, conv, before, limit, rp);
      return rp;
    }
    auto rp = self->make_response_promise<command_result>();
    // A member only: the user actor's group set is the authority on membership.
    auto store = ctx.store;
    self->request(c.login->user, caf::infinite, user_groups_atom::value)
        .then(
            [=](const std::vector<std::string>& groups) mutable {
              if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
                rp.deliver(reply_error(result_code::unauthorized, "not a member of group " + group));
                return;
              }
              if (ctx.durable)
                page_durable(self, ctx, conv, before, limit, rp);
              else
                rp.deliver(page_of(*store, conv, before, limit));
            },
            [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
    return rp;
  }};
}

}  // namespace

behaviour_spec history() { return {"history", true, true, make}; }

}  // namespace parley::behaviours
