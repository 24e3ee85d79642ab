// presence: {subscribe?: bool (default true)} -> {appID, count, userList, lists, subscribed}.
// A native client's explicit presence: the caller's connection gets `presence` pushes
// {appID, count, enter[], exit[]} with the net changes of each presence_interval_ms,
// whatever the app's presence mode, starting after the snapshot in this reply (no change is
// missed or repeated between the two). `subscribe: false` stops them. The list is this
// node's users of the app (docs/protocol.md "Presence").
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"

namespace parley::behaviours {
namespace {

caf::behavior make(caf::event_based_actor* self, behaviour_context ctx) {
  return {[=](handle_atom, const command& c) -> caf::result<command_result> {
    bool on = true;
    if (auto it = c.data->find("subscribe"); it != c.data->end()) {
      if (!it->is_boolean()) return reply_error(result_code::illegal_parameter, "subscribe must be a boolean");
      on = it->get<bool>();
    }
    if (!c.connection || !c.sink)
      return reply_error(result_code::illegal_parameter, "presence needs a WebSocket connection");
    auto rp = self->make_response_promise<command_result>();
    auto app_id = c.login->app_id;
    self->request(ctx.presence, caf::infinite, subscribe_atom::value, app_id, c.connection, c.sink, on)
        .then(
            [=](presence_snapshot& snap) mutable {
              rp.deliver(reply_ok({{"appID", app_id},
                                   {"count", snap.count},
                                   {"userList", std::move(snap.users)},
                                   {"lists", snap.lists},
                                   {"subscribed", on}}));
            },
            [=](caf::error&) mutable { rp.deliver(reply_error(result_code::server_error)); });
    return rp;
  }};
}

}  // namespace

behaviour_spec presence() { return {"presence", true, true, make}; }

}  // namespace parley::behaviours
