#include "gateway/routes/route_helpers.hpp"

#include "actors/registry/run_command.hpp"
#include "config/text.hpp"
#include "gateway/url.hpp"

namespace parley::routes {

std::optional<std::string> param(const api_request& req, const std::string& name) {
  return url::param(req.params, name);
}

std::optional<uint32_t> app_param(const api_request& req, gateway_context& ctx,
                                  const responder& respond) {
  auto text = param(req, "appID");
  uint32_t value = 0;
  if (!text || !parse_uint32(*text, value)) {
    respond(bad_request("appID must be a positive integer"));
    return std::nullopt;
  }
  if (!ctx.config->serves_app(value)) {
    respond(json_reply(1003, "appID not served", nullptr, 400));
    return std::nullopt;
  }
  return value;
}

std::optional<nlohmann::json> message_fields(const api_request& req, const std::string& target_key,
                                             const responder& respond) {
  auto target = param(req, target_key);
  auto message = param(req, "message");
  if (!target || !message) {
    respond(bad_request(target_key + " and message are required"));
    return std::nullopt;
  }
  return nlohmann::json{{target_key, *target},
                        {"msg", *message},
                        {"type", param(req, "type").value_or("text")},
                        {"msgID", param(req, "msgID").value_or("")}};
}

void run_behaviour(gateway_context& ctx, const std::string& cmd, uint32_t app_id,
                   const std::string& sender, nlohmann::json data, responder respond,
                   std::function<nlohmann::json(const nlohmann::json&)> shape_data) {
  run_command(ctx.system, ctx.registry, cmd, app_id, sender, std::move(data),
              [respond, shape_data](command_result r) {
                auto status = r.code == result_code::ok                ? 200u
                              : r.code == result_code::server_error ||
                                        r.code == result_code::route_not_exist
                                  ? 500u
                                  : 400u;
                auto msg = r.code_msg.empty() ? code_message(r.code) : r.code_msg;
                auto data = shape_data && r.code == result_code::ok ? shape_data(r.data) : r.data;
                respond(json_reply(to_int(r.code), msg, std::move(data), status));
              });
}

}  // namespace parley::routes
