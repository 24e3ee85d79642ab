// outgoing_message: what sendMessage, sendGroup and sendAll share. Reads {type, msg, msgID}
// from a command, checks them (msg at most max_message_bytes, msgID at most 64 bytes),
// answers a repeated msgID of the same sender from the dedup window, and encodes the `msg`
// push once for all recipients.
//
// A send's life: prepare() -> (deliver) -> accepted() when it was accepted (delivered, or
// reached a group), or rejected() otherwise. Only accepted sends enter the window, so a
// retry after a refusal is a new attempt. A send that waits for another actor (a group send
// waits for the node) calls sending() first: until it is accepted or rejected, the same
// msgID is refused with 1009 "in progress", and the client's retry then gets the replay. A
// send finished within one turn (sendMessage) needs no such mark: nothing can come between.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_set>

#include "actors/behaviours/behaviour_helpers.hpp"
#include "actors/dedup/dedup_window.hpp"
#include "actors/messages.hpp"
#include "actors/protocol/pushes.hpp"
#include "actors/registry/behaviour_registry.hpp"
#include "actors/store/durable_store.hpp"
#include "actors/store/message_store.hpp"

namespace parley {
struct node_config;
}

namespace parley::behaviours {

// Longest msgID accepted (1001 above it).
constexpr size_t max_msg_id_bytes = 64;

class outgoing_messages {
 public:
  explicit outgoing_messages(const node_config& config);

  struct prepared {
    bool ok = false;        // false when the command was refused or is a duplicate
    protocol::chat_message message;  // what is sent (time set; id once stored)
    frame_ptr frame;        // its push: encoded here, or by the store (`encode` false)
    std::string msg_id;
    std::string sender;     // the dedup scope (appID/userID, appID/ for HTTP), when recorded
    bool recorded = false;  // a msgID the client chose: accepted() records it
    command_result answer;  // the refusal, or the replayed duplicate, when !ok
    stored_ptr stored;      // set by store()
  };

  // Stores a prepared send in `conv` (its server id and time) and takes the store's push;
  // with no store (store: off) encodes the push as it is.
  static void store(prepared& p, message_store* store, const conversation& conv);
  // With store: redis: stores `p` in `conv` in the durable store (ctx.durable), then runs
  // `then(p)` in `self` with its id and push set. If the store fails, the send is rejected
  // and `rp` answered 1008: nothing is delivered.
  template <class Then>
  void store_durably(caf::event_based_actor* self, const behaviour_context& ctx, prepared p,
                     const conversation& conv, caf::typed_response_promise<command_result> rp,
                     Then then) {
    sending(p);
    self->request(ctx.durable, durable_timeout, append_atom::value, conv, p.message)
        .then(
            [=](const stored_ptr& s) mutable {
              p.stored = s;
              p.frame = s->frame;
              then(p);
            },
            [=](caf::error&) mutable {
              rejected(p);
              rp.deliver(reply_error(result_code::store_failed,
                                     "the message store is unavailable; nothing was sent"));
            });
  }
  // Longer than the Redis client's command timeout, which answers every command.
  static constexpr std::chrono::seconds durable_timeout{10};

  // The stored send's id and time in its answer (nothing when not stored).
  static void add_id(const prepared& p, nlohmann::json& data);

  // `target` is the receiving user or group, as the push's `target` field shows it. With
  // `encode` false the caller stores the message first, and the store encodes its push.
  prepared prepare(const command& c, const std::string& target, bool encode = true);

  // The send waits for another actor: repeats are "in progress" until accepted/rejected.
  void sending(const prepared& p);
  // The send went out: remembers its result (`data`, which gets duplicate:true on replay).
  void accepted(const prepared& p, const nlohmann::json& data);
  // The send was refused or reached nobody: a retry will be a new attempt.
  void rejected(const prepared& p);

 private:
  dedup_window seen_;
  std::unordered_set<std::string> in_flight_;  // sender + '\0' + msgID
  uint32_t max_message_bytes_;
  uint64_t generated_ = 0;
};

// The sender as shown in `from`: the logged-in user, or the HTTP caller's named sender.
inline const std::string& sender_of(const command& c) { return c.login->user_id; }

}  // namespace parley::behaviours
