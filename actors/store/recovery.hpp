// recovery: what a logging-in client says it has seen (`since` at login), and what the node
// found for it. The login behaviour fills `since`; the node, in the login's turn, delivers what
// followed each id and sets `recovered` (message_store::hand_over); the behaviour reads the
// flags after the node has answered (the answer orders the two).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/store/conversation.hpp"

namespace parley {

struct recovery {
  struct entry {
    std::string name;   // as the client named it: "u:<userID>" or "room"
    conversation conv;
    message_id after;   // the newest message the client has of it
    bool recovered = false;  // everything after `after` was still stored (no gap)
    uint32_t delivered = 0;  // how many followed it
  };
  std::vector<entry> since;
};

using recovery_ptr = std::shared_ptr<recovery>;

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::recovery_ptr)
