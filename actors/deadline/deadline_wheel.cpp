#include "actors/deadline/deadline_wheel.hpp"

namespace parley {

caf::behavior deadline_wheel(caf::stateful_actor<deadline_state>* self,
                             std::chrono::milliseconds resolution) {
  self->state.buckets = deadline_buckets(resolution);
  self->delayed_send(self, resolution, tick_atom::value);
  return {
      [=](at_atom, int64_t when_ns, const caf::actor_addr& who) {
        self->state.buckets.add(
            deadline_buckets::clock::time_point(std::chrono::nanoseconds(when_ns)), who);
      },
      [=](cancel_atom, const caf::actor_addr& who) { self->state.buckets.remove(who); },
      [=](size_atom) { return static_cast<uint64_t>(self->state.buckets.size()); },
      [=](tick_atom) {
        for (auto& who : self->state.buckets.take_due(deadline_buckets::clock::now()))
          if (auto actor = caf::actor_cast<caf::actor>(who)) self->send(actor, tick_atom::value);
        self->delayed_send(self, resolution, tick_atom::value);
      },
  };
}

}  // namespace parley
