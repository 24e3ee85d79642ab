// route_helpers: parameter reading and command dispatch shared by the API routes.
#pragma once

#include <optional>
#include <string>

#include "actors/messages.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/http_router.hpp"

namespace parley::routes {

// The value of `name` (or its older spelling: appId/userId), or std::nullopt.
std::optional<std::string> param(const api_request& req, const std::string& name);

// Reads a served appID; on failure answers the request and returns std::nullopt.
std::optional<uint32_t> app_param(const api_request& req, gateway_context& ctx,
                                  const responder& respond);

// The message fields every HTTP send shares: {"msg": message, "type": type or "text",
// "msgID": msgID or ""}, plus `target_key` = the value of parameter `target_key`. Answers 400
// and returns std::nullopt when `message` or the target is missing.
std::optional<nlohmann::json> message_fields(const api_request& req, const std::string& target_key,
                                             const responder& respond);

// Runs the behaviour registered as `cmd` for a backend (command_origin::http) with
// `data`, sending as `sender`, and answers {code, msg, data} from its result.
void run_behaviour(gateway_context& ctx, const std::string& cmd, uint32_t app_id,
                   const std::string& sender, nlohmann::json data, responder respond,
                   std::function<nlohmann::json(const nlohmann::json&)> shape_data = nullptr);

}  // namespace parley::routes
