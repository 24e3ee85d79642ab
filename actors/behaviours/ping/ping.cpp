// ping: answers "pong"; allowed before login.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"

namespace parley::behaviours {

behaviour_spec ping() {
  return {"ping", false, true, [](caf::event_based_actor*, behaviour_context) {
            return caf::behavior{[](handle_atom, const command&) { return reply_ok("pong"); }};
          }};
}

}  // namespace parley::behaviours
