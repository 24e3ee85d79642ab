// outgoing_message: what sendMessage, sendGroup and sendAll share. Reads {type, msg, msgID}
// from a command, drops repeats of a msgID by the same sender within dedup_window, and
// encodes the `msg` push once for all recipients.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "actors/dedup/dedup_window.hpp"
#include "actors/messages.hpp"
#include "actors/protocol/pushes.hpp"
#include "actors/registry/behaviour_registry.hpp"

namespace parley::behaviours {

class outgoing_messages {
 public:
  explicit outgoing_messages(std::chrono::seconds dedup_window);

  struct prepared {
    frame_ptr frame;        // null when the command was refused or is a duplicate
    bool duplicate = false;
    std::string msg_id;
    command_result error;   // set when frame is null and not duplicate
  };

  // `target` is the receiving user or group, as the push's `target` field shows it.
  prepared prepare(const command& c, const std::string& target);

 private:
  dedup_window seen_;
  uint64_t generated_ = 0;
};

// The sender as shown in `from`: the logged-in user, or the HTTP caller's named sender.
inline const std::string& sender_of(const command& c) { return c.login->user_id; }

}  // namespace parley::behaviours
