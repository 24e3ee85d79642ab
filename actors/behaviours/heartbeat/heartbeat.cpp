// heartbeat: keeps a logged-in connection alive. Any frame refreshes the connection's
// activity time; this command only answers, so clients get a response to time out on.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"

namespace parley::behaviours {

behaviour_spec heartbeat() {
  return {"heartbeat", true, true, [](caf::event_based_actor*, behaviour_context) {
            return caf::behavior{[](handle_atom, const command&) { return reply_ok(); }};
          }};
}

}  // namespace parley::behaviours
