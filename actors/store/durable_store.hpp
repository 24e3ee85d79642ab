// durable_store: the message store of a cluster (store: redis), as a typed actor interface
// with asynchronous answers and no storage engine in it. cluster/store/redis_store
// implements it on Redis Streams (docs/storage.md); actors/ only sees this header.
//
//   (append_atom, conversation, chat_message) -> stored_ptr
//        stores the message at the end of its conversation; the answer carries the server id
//        and time (the stream entry's) and the encoded `msg` push. An error when the store
//        could not write it: the sender gets 1008 and nothing is delivered.
//   (history_atom, conversation, before, limit) -> history_page
//        newest first, older than `before` ("" = from the newest), at most `limit`.
//   (keep_atom, user_key, conversation, stored_ptr, force) -> keep_outcome
//        keeps a message for a user who has no connection anywhere, unless (force false) the
//        directory shows the user on a node by now: then `online`, and the sender tries to
//        deliver again. One atomic step against the login's take (see take_atom).
//   (take_atom, user_key) -> std::vector<stored_ptr>
//        what was kept for the user, oldest first, removed from the store. A login asks after
//        its directory entry is written, so a keep either comes before the take (and is in
//        it) or sees the entry (and is delivered live): nothing falls between.
//   (take_atom, user_key, recovery_ptr) -> std::vector<stored_ptr>
//        the same for a client recovering with `since`: then also every stored message after
//        each of its ids, each once (a kept one the history also brings comes once, a kept
//        one the client has does not come), kept ones first; sets each entry's `recovered`
//        and `delivered` (read by the login after the node has answered). What the user has
//        acknowledged (read state) is not sent again: kept messages up to the read position
//        are dropped, and recovery starts after it.
//   (recover_atom, user_key, recovery_ptr) -> std::vector<stored_ptr>
//        only the recovery part of the above, nothing taken: a group's, which the login
//        runs once the user is in the group again and its socket is held (login.cpp).
//   (mark_read_atom, conversation, user_id, up_to) -> std::string
//        the user's read position there (never back, never past the newest message): what
//        is held now; "" when the conversation holds nothing.
//   (unread_atom, app, user_id, others) -> std::vector<message_store::unread_count>
//        per private pair of the user and per conversation in `others` (groups, the room):
//        messages newer than the read position, not sent by the user; those with none left
//        out.
//   (profile_atom, user_key) -> user_profile
//        the user's display name and avatar (empty when none; actors/profile/profile.hpp).
//   (profile_atom, user_key, profile_update) -> user_profile
//        changes the fields the update names ("" clears one) and answers what is stored.
//   (profiles_atom, app, user ids) -> std::vector<user_profile>
//        the profiles of those users, in their order (for `users` pages).
//   (membership_atom, user_key) -> std::vector<std::string>
//        the groups the user is in, kept past their last connection (the login re-joins them).
//   (membership_atom, user_key, group, member) -> bool
//        records a join (member true) or a leave.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/profile/profile.hpp"
#include "actors/routing/keys.hpp"
#include "actors/store/conversation.hpp"
#include "actors/store/message_store.hpp"
#include "actors/store/recovery.hpp"

namespace parley {

using append_atom = caf::atom_constant<caf::atom("append")>;
using history_atom = caf::atom_constant<caf::atom("history")>;
using keep_atom = caf::atom_constant<caf::atom("keep")>;
using take_atom = caf::atom_constant<caf::atom("take")>;
using recover_atom = caf::atom_constant<caf::atom("recover")>;
using mark_read_atom = caf::atom_constant<caf::atom("markRead")>;
using unread_atom = caf::atom_constant<caf::atom("unread")>;
using profile_atom = caf::atom_constant<caf::atom("profile")>;
using profiles_atom = caf::atom_constant<caf::atom("profiles")>;
using membership_atom = caf::atom_constant<caf::atom("membership")>;

struct history_page {
  std::vector<stored_ptr> messages;  // newest first
  bool more = false;                 // older ones remain
};

enum class keep_outcome : uint8_t { kept, online };

using durable_store = caf::typed_actor<
    caf::replies_to<append_atom, conversation, protocol::chat_message>::with<stored_ptr>,
    caf::replies_to<history_atom, conversation, std::string, uint32_t>::with<history_page>,
    caf::replies_to<keep_atom, user_key, conversation, stored_ptr, bool>::with<keep_outcome>,
    caf::replies_to<take_atom, user_key>::with<std::vector<stored_ptr>>,
    caf::replies_to<take_atom, user_key, recovery_ptr>::with<std::vector<stored_ptr>>,
    caf::replies_to<recover_atom, user_key, recovery_ptr>::with<std::vector<stored_ptr>>,
    caf::replies_to<mark_read_atom, conversation, std::string, message_id>::with<std::string>,
    caf::replies_to<unread_atom, uint32_t, std::string, std::vector<conversation>>::with<
        std::vector<message_store::unread_count>>,
    caf::replies_to<profile_atom, user_key>::with<user_profile>,
    caf::replies_to<profile_atom, user_key, profile_update>::with<user_profile>,
    caf::replies_to<profiles_atom, uint32_t, std::vector<std::string>>::with<std::vector<user_profile>>,
    caf::replies_to<membership_atom, user_key>::with<std::vector<std::string>>,
    caf::replies_to<membership_atom, user_key, std::string, bool>::with<bool>>;

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::conversation)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::protocol::chat_message)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::stored_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::history_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::keep_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<parley::stored_ptr>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::message_id)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<parley::conversation>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<parley::message_store::unread_count>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<parley::user_profile>)
