#include "gateway/routes/route_helpers.hpp"

#include "actors/registry/behaviour_registry.hpp"
#include "gateway/ask.hpp"

namespace parley::routes {

std::optional<std::string> param(const api_request& req, const std::string& name) {
  auto it = req.params.find(name);
  if (it != req.params.end()) return it->second;
  for (const auto& [key, value] : req.params)  // appId / userId and other spellings
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return value;
  return std::nullopt;
}

std::optional<uint32_t> app_param(const api_request& req, gateway_context& ctx,
                                  const responder& respond) {
  auto text = param(req, "appID");
  if (!text || text->empty() || text->size() > 10 ||
      text->find_first_not_of("0123456789") != std::string::npos) {
    respond(bad_request("appID must be a positive integer"));
    return std::nullopt;
  }
  auto value = std::stoull(*text);
  if (value > UINT32_MAX || !ctx.config->serves_app(static_cast<uint32_t>(value))) {
    respond(json_reply(1003, "appID not served", nullptr, 400));
    return std::nullopt;
  }
  return static_cast<uint32_t>(value);
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
  command c;
  c.cmd = cmd;
  c.data = std::make_shared<const nlohmann::json>(std::move(data));
  c.origin = command_origin::http;
  c.login = login_info{app_id, sender, caf::actor{}};
  ask<command_result>(
      ctx.system, entry->handler,
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
