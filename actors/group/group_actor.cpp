#include "actors/group/group_actor.hpp"

#include "actors/stats/counting.hpp"

namespace parley {
namespace {

// Tells the node the new size (for the console's top groups) and, when empty, that it is idle.
void report_if_empty(caf::stateful_actor<group_state>* self) {
  self->send(self->state.setup.node, group_size_atom::value, self->state.setup.key,
             static_cast<uint32_t>(self->state.members.size()));
  if (self->state.members.empty())
    self->send(self->state.setup.node, group_idle_atom::value, self->state.setup.key,
               self->state.joins_total);
}

}  // namespace

caf::behavior group_actor(caf::stateful_actor<group_state>* self, group_setup setup) {
  self->state.live = live_gauge(setup.stats->live(actor_kind::group));
  self->state.setup = std::move(setup);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (self->state.members.remove_key(dm.source)) report_if_empty(self);
  });
  return counting<caf::behavior>(
      self->state.setup.handled.get(),
      [=](join_atom, const std::string& user_id, caf::actor user, user_sinks_ptr sinks) {
        ++self->state.joins_total;
        auto key = user.address();
        auto r = self->state.members.add(user_id, key, group_member{user, std::move(sinks)});
        if (r.replaced) self->demonitor(*r.replaced);
        if (r.key_changed) self->monitor(user);
        if (r.added) report_if_empty(self);  // reports the size; never empty here
        return membership_result{result_code::ok, r.added, {}};
      },
      [=](leave_atom, const std::string& user_id) {
        auto key = self->state.members.remove(user_id);
        if (key) {
          self->demonitor(*key);
          report_if_empty(self);
        }
        return membership_result{result_code::ok, key.has_value(), {}};
      },
      [=](send_group_atom, const std::string& sender, bool check_member,
          const frame_ptr& frame) {
        auto& members = self->state.members;
        if (check_member && !members.contains(sender))
          return group_send_result{result_code::unauthorized, 0};
        size_t sockets = 0;
        members.for_each([&](const group_member& m) { sockets += m.sinks->deliver(frame); });
        self->state.setup.stats->pushes_delivered_total.fetch_add(sockets, std::memory_order_relaxed);
        return group_send_result{result_code::ok, static_cast<uint32_t>(members.size())};
      },
      [=](members_atom) { return self->state.members.user_ids(); },
      [=](shutdown_atom) { self->quit(); },
      [=](mailbox_atom) { return static_cast<uint64_t>(self->mailbox().size()); });
}

}  // namespace parley
