#include "actors/user/user_actor.hpp"

#include <algorithm>

namespace parley {
namespace {

void forget_connection(caf::stateful_actor<user_state>* self, const caf::actor_addr& gone) {
  auto& conns = self->state.connections;
  auto it = std::find_if(conns.begin(), conns.end(),
                         [&](const user_state::attached& c) { return c.connection.address() == gone; });
  if (it == conns.end()) return;
  self->state.setup.sinks->remove(it->sink);
  conns.erase(it);
  if (conns.empty())
    self->send(self->state.setup.node, user_idle_atom::value, self->state.setup.key,
               self->state.added_total);
}

}  // namespace

caf::behavior user_actor(caf::stateful_actor<user_state>* self, user_setup setup) {
  self->state.live = live_gauge(setup.stats->live(actor_kind::user));
  self->state.setup = std::move(setup);
  self->set_down_handler([=](caf::down_msg& dm) { forget_connection(self, dm.source); });
  auto& st = self->state;
  return {
      [=](add_atom, caf::actor conn, sink_ptr sink) {
        // The node has put `sink` into the user_sinks already; watch it to take it out.
        self->monitor(conn);
        self->state.connections.push_back({std::move(conn), std::move(sink)});
        ++self->state.added_total;
      },
      [=, &st](join_atom, const std::string& group) -> caf::result<membership_result> {
        if (st.groups.count(group)) return membership_result{result_code::ok, false, {}};
        if (st.groups.size() >= st.setup.max_groups)
          return membership_result{result_code::add_failed, false,
                                   "in " + std::to_string(st.groups.size()) +
                                       " groups already (max_groups_per_user)"};
        st.groups.insert(group);
        auto rp = self->make_response_promise<membership_result>();
        self->request(st.setup.node, caf::infinite, join_atom::value, st.setup.app_id, group,
                      st.setup.user_id, caf::actor_cast<caf::actor>(self), st.setup.sinks)
            .then(
                [=, &st](membership_result& r) mutable {
                  if (r.code != result_code::ok) st.groups.erase(group);
                  rp.deliver(std::move(r));
                },
                [=, &st](caf::error&) mutable {
                  st.groups.erase(group);
                  rp.deliver(membership_result{result_code::server_error, false, {}});
                });
        return rp;
      },
      [=, &st](leave_atom, const std::string& group) -> caf::result<membership_result> {
        if (!st.groups.erase(group)) return membership_result{result_code::ok, false, {}};
        // Answered by the group: the node and the group see join and leave in this order.
        return self->delegate(st.setup.node, leave_atom::value, st.setup.app_id, group,
                              st.setup.user_id);
      },
      [=](shutdown_atom) { self->quit(); },
  };
}

}  // namespace parley
