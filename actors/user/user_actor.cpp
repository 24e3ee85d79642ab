#include "actors/user/user_actor.hpp"

#include <algorithm>
#include <functional>
#include <memory>

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

// Joins `group` through the node and calls done(result) once. `sync`: what another node told
// this one, joined here only (the plain form also tells the other nodes holding the user).
void join_group(caf::stateful_actor<user_state>* self, const std::string& group, bool sync,
                std::function<void(membership_result)> done) {
  auto& st = self->state;
  if (st.groups.count(group)) return done(membership_result{result_code::ok, false, {}});
  if (st.groups.size() >= st.setup.max_groups)
    return done(membership_result{result_code::add_failed, false,
                                  "in " + std::to_string(st.groups.size()) +
                                      " groups already (max_groups_per_user)"});
  st.groups.insert(group);
  auto joined = [=](membership_result& r) {
    if (r.code != result_code::ok) self->state.groups.erase(group);
    done(std::move(r));
  };
  auto failed = [=](caf::error&) {
    self->state.groups.erase(group);
    done(membership_result{result_code::server_error, false, {}});
  };
  auto me = caf::actor_cast<caf::actor>(self);
  if (sync)
    self->request(st.setup.node, caf::infinite, local_atom::value, join_atom::value,
                  st.setup.app_id, group, st.setup.user_id, me, st.setup.sinks)
        .then(joined, failed);
  else
    self->request(st.setup.node, caf::infinite, join_atom::value, st.setup.app_id, group,
                  st.setup.user_id, me, st.setup.sinks)
        .then(joined, failed);
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
      // The connection logged out (UnBindUid): forgotten as if it were gone.
      [=](unbind_atom, const caf::actor& conn) {
        self->demonitor(conn);
        forget_connection(self, conn.address());
      },
      [=](join_atom, const std::string& group) -> caf::result<membership_result> {
        auto rp = self->make_response_promise<membership_result>();
        join_group(self, group, false,
                   [rp](membership_result r) mutable { rp.deliver(std::move(r)); });
        return rp;
      },
      [=, &st](leave_atom, const std::string& group) -> caf::result<membership_result> {
        if (!st.groups.erase(group)) return membership_result{result_code::ok, false, {}};
        // Answered by the group: the node and the group see join and leave in this order.
        return self->delegate(st.setup.node, leave_atom::value, st.setup.app_id, group,
                              st.setup.user_id);
      },
      // What another node holding this user told this one: the user joined or left there.
      // Answered once applied here.
      [=, &st](member_atom, const std::string& group, bool joined) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        if (joined) {
          join_group(self, group, true, [rp](membership_result) mutable { rp.deliver(true); });
        } else if (st.groups.erase(group)) {
          self->request(st.setup.node, caf::infinite, local_atom::value, leave_atom::value,
                        st.setup.app_id, group, st.setup.user_id)
              .then([rp](membership_result&) mutable { rp.deliver(true); },
                    [rp](caf::error&) mutable { rp.deliver(true); });
        } else {
          rp.deliver(true);
        }
        return rp;
      },
      // A device logging in here while others are elsewhere: their groups, joined here.
      [=](member_atom, const std::vector<std::string>& groups) -> caf::result<bool> {
        if (groups.empty()) return true;
        auto rp = self->make_response_promise<bool>();
        auto left = std::make_shared<size_t>(groups.size());
        for (const auto& g : groups)
          join_group(self, g, true, [rp, left](membership_result) mutable {
            if (--*left == 0) rp.deliver(true);
          });
        return rp;
      },
      [=, &st](user_groups_atom) {
        return std::vector<std::string>(st.groups.begin(), st.groups.end());
      },
      [=](shutdown_atom) { self->quit(); },
  };
}

}  // namespace parley
