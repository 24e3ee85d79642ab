// whoami: {} -> {clientID, appID, userID}. Who this connection is, allowed before login: an
// anonymous connection learns its clientID here, hands it to its backend, and the backend
// binds it to a user (ClientBindUid, docs/grpc-api.md). appID 0 and userID "" while not
// logged in.
#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/behaviours/builtin.hpp"

namespace parley::behaviours {

behaviour_spec whoami() {
  return {"whoami", false, true, [](caf::event_based_actor*, behaviour_context) {
            return caf::behavior{[](handle_atom, const command& c) {
              return reply_ok({{"clientID", c.conn_id},
                               {"appID", c.login ? c.login->app_id : 0u},
                               {"userID", c.login ? c.login->user_id : std::string{}}});
            }};
          }};
}

}  // namespace parley::behaviours
