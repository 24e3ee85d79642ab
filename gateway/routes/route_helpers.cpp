#include "gateway/routes/route_helpers.hpp"

#include "actors/registry/behaviour_registry.hpp"
#include "config/text.hpp"
#include "gateway/ask.hpp"
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
  auto entry = ctx.registry->find(cmd);
  if (entry == nullptr) return respond(json_reply(1010, "no behaviour " + cmd, nullptr, 500));
  auto handler = entry->handler();
  if (!handler) return respond(json_reply(1004, "behaviour " + cmd + " is down", nullptr, 500));
  command c;
  c.cmd = cmd;
  c.data = std::make_shared<const nlohmann::json>(std::move(data));
  c.origin = command_origin::http;
  c.login = login_info{app_id, sender, caf::actor{}};
  ask<command_result>(
      ctx.system, handler,
      [respond, shape_data](std::optional<command_result> r) {
        if (!r) return respond(json_reply(1004, "server error", nullptr, 500));
        auto status = r->code == result_code::ok ? 200u : 400u;
        auto msg = r->code_msg.empty() ? code_message(r->code) : r->code_msg;
        auto data = shape_data && r->code == result_code::ok ? shape_data(r->data) : r->data;
        respond(json_reply(to_int(r->code), msg, std::move(data), status));
      },
      handle_atom::value, std::move(c));
}

}  // namespace parley::routes
