// join / leave: {group} -> {group, joined|left}. Groups are named strings scoped to the
// appID; membership belongs to the user (all of the user's connections receive the group's
// messages). The user actor records it and the node routes it to the group actor.
//
// Membership persists (docs/storage.md "Persistent membership"): a join is also recorded in
// the store (memory, or Redis with store: redis) and a leave removes it, so that the user's
// next login, on any node with store: redis, joins the groups again. Answered once recorded;
// `persisted: false` when the store could not record it (the membership holds for now).
#include <type_traits>

#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"
#include "actors/behaviours/groups/memberships.hpp"

namespace parley::behaviours {
namespace {

template <class Atom>
behaviour_factory membership(const char* answer_key) {
  return [answer_key](caf::event_based_actor* self, behaviour_context ctx) {
    return caf::behavior{[=](handle_atom, const command& c) -> caf::result<command_result> {
      std::string group, reason;
      if (!protocol::read_string(*c.data, "group", group, true, reason))
        return reply_error(result_code::illegal_parameter, reason);
      if (!valid_group_name(group))
        return reply_error(result_code::illegal_parameter, "group must be 1 to 64 bytes");
      auto rp = self->make_response_promise<command_result>();
      self->request(c.login->user, caf::infinite, Atom::value, group)
          .then(
              [=](const membership_result& r) mutable {
                if (r.code != result_code::ok) {
                  rp.deliver(reply_error(r.code, r.reason));
                  return;
                }
                bool member = std::is_same<Atom, join_atom>::value;
                nlohmann::json data{{"group", group}, {answer_key, r.changed}};
                record_membership(self, ctx, c.login->app_id, c.login->user_id, group, member,
                                  [=](bool kept) mutable {
                                    auto out = data;
                                    if (!kept) out["persisted"] = false;
                                    rp.deliver(reply_ok(std::move(out)));
                                  });
              },
              [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
      return rp;
    }};
  };
}

}  // namespace

behaviour_spec join() { return {"join", true, true, membership<join_atom>("joined")}; }
behaviour_spec leave() { return {"leave", true, true, membership<leave_atom>("left")}; }

}  // namespace parley::behaviours
