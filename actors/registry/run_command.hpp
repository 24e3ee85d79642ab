// run_command: runs a registered behaviour for a backend (command_origin::http, no
// connection), as the HTTP API and the gRPC management API both do: one implementation of
// every send, so validation, de-duplication and encoding are those of a WebSocket send.
// Never blocks: `done` runs on a CAF thread with the behaviour's result, or with
// server_error (route_not_exist for an unknown command) when it is missing, down or late.
#pragma once

#include <functional>
#include <string>

#include <caf/fwd.hpp>
#include <nlohmann/json.hpp>

#include "actors/messages.hpp"

namespace parley {

void run_command(caf::actor_system& system, const registry_ptr& registry, const std::string& cmd,
                 uint32_t app_id, const std::string& sender, nlohmann::json data,
                 std::function<void(command_result)> done);

}  // namespace parley
