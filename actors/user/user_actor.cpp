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
      [=, &st](join_atom, const std::string& group) {
        st.groups.insert(group);
        return self->delegate(st.setup.node, join_atom::value, st.setup.app_id, group,
                              st.setup.user_id, caf::actor_cast<caf::actor>(self), st.setup.sinks);
      },
      [=, &st](leave_atom, const std::string& group) {
        st.groups.erase(group);
        return self->delegate(st.setup.node, leave_atom::value, st.setup.app_id, group,
                              st.setup.user_id);
      },
      [=](shutdown_atom) { self->quit(); },
  };
}

}  // namespace parley
