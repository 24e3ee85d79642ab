// node_interface: the node actor's messages as a typed actor interface. Every actor and the
// gateway hold the node as a node_handle, so a message of the wrong shape (join_atom has one
// shape per receiver: behaviour -> user, user -> node, node -> group) is a compile error,
// not a message the node drops at run time. Shapes: actors/messages.hpp documents each atom.
#pragma once

#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/profile/profile.hpp"
#include "actors/store/recovery.hpp"
#include "actors/routing/remote.hpp"

namespace parley {

using node_handle = caf::typed_actor<
    caf::reacts_to<connect_atom, sink_ptr, std::string, uint32_t, std::string>,
    caf::replies_to<login_atom, uint32_t, std::string, caf::actor, sink_ptr, recovery_ptr,
                    user_profile>::with<caf::actor>,
    caf::replies_to<join_atom, uint32_t, std::string, std::string, caf::actor,
                    user_sinks_ptr>::with<membership_result>,
    caf::replies_to<local_atom, join_atom, uint32_t, std::string, std::string, caf::actor,
                    user_sinks_ptr>::with<membership_result>,
    caf::replies_to<leave_atom, uint32_t, std::string, std::string>::with<membership_result>,
    caf::replies_to<local_atom, leave_atom, uint32_t, std::string, std::string>::with<membership_result>,
    caf::replies_to<member_atom, uint32_t, std::string, std::string, bool>::with<bool>,
    caf::replies_to<user_groups_atom, uint32_t, std::string>::with<std::vector<std::string>>,
    caf::replies_to<send_group_atom, uint32_t, std::string, std::string, bool,
                    frame_ptr>::with<group_send_result>,
    caf::replies_to<local_atom, send_group_atom, uint32_t, std::string, std::string,
                    frame_ptr>::with<group_send_result>,
    caf::replies_to<send_app_atom, uint32_t, frame_ptr>::with<uint32_t>,
    caf::replies_to<local_atom, send_app_atom, uint32_t, frame_ptr, std::string>::with<uint32_t>,
    caf::replies_to<users_atom, uint32_t, std::string, uint32_t>::with<user_page>,
    caf::replies_to<local_atom, users_atom, uint32_t, std::string, uint32_t>::with<user_page>,
    caf::replies_to<online_atom, uint32_t, std::string>::with<bool>,
    caf::replies_to<client_atom, client_op>::with<client_reply>,
    caf::replies_to<local_atom, client_atom, client_op>::with<client_reply>,
    caf::replies_to<clients_atom, uint32_t, std::string, uint32_t>::with<client_page>,
    caf::replies_to<local_atom, clients_atom, uint32_t, std::string, uint32_t>::with<client_page>,
    caf::replies_to<clients_atom, uint32_t, std::string>::with<client_page>,
    caf::replies_to<local_atom, clients_atom, uint32_t, std::string>::with<client_page>,
    caf::replies_to<unbind_atom, uint32_t, std::string>::with<uint32_t>,
    caf::replies_to<group_names_atom, uint32_t>::with<std::vector<std::string>>,
    caf::replies_to<local_atom, group_names_atom, uint32_t>::with<std::vector<std::string>>,
    caf::replies_to<local_atom, unbind_atom, uint32_t, std::string>::with<uint32_t>,
    caf::replies_to<kick_atom, uint32_t, std::string, std::string>::with<uint32_t>,
    caf::replies_to<local_atom, kick_atom, uint32_t, std::string, std::string>::with<uint32_t>,
    caf::replies_to<local_atom, online_atom, uint32_t, std::string>::with<bool>,
    caf::replies_to<members_atom, uint32_t, std::string>::with<std::vector<std::string>>,
    caf::replies_to<local_atom, members_atom, uint32_t, std::string>::with<std::vector<std::string>>,
    caf::reacts_to<user_idle_atom, std::string, uint64_t>,
    caf::reacts_to<group_idle_atom, std::string, uint64_t>,
    caf::reacts_to<group_size_atom, std::string, uint32_t>,
    caf::replies_to<top_groups_atom, uint32_t>::with<std::vector<group_summary>>,
    caf::replies_to<registry_atom>::with<registry_ptr>,
    caf::replies_to<size_atom>::with<uint64_t>,
    caf::replies_to<drain_atom>::with<uint32_t>,
    caf::reacts_to<sample_atom>,
    caf::replies_to<shutdown_atom>::with<uint32_t>>;

}  // namespace parley
