#include "actors/behaviours/builtin.hpp"

namespace parley::behaviours {

std::vector<behaviour_spec> builtin_behaviours() {
  return {login(),        heartbeat(),  ping(),     join(),  leave(),
          send_message(), send_group(), send_all(), send_client(), users(), presence(), history(), ack(), unread(), profile(), whoami(), echo_bot()};
}

}  // namespace parley::behaviours
