#include "gateway/http_router.hpp"

#include "actors/auth/bearer.hpp"
#include "gateway/url.hpp"

namespace parley {

namespace http = boost::beast::http;

api_response json_reply(int code, const std::string& msg, nlohmann::json data, unsigned status) {
  nlohmann::json body = {{"code", code}, {"msg", msg}, {"data", std::move(data)}};
  return {status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

api_response bad_request(const std::string& reason) { return json_reply(1001, reason, nullptr, 400); }

void http_router::add(http::verb method, std::string path, route_handler handler, bool api) {
  routes_[std::move(path)].push_back({method, std::move(handler), api});
}

std::vector<std::pair<http::verb, std::string>> http_router::api_routes() const {
  std::vector<std::pair<http::verb, std::string>> out;
  for (const auto& [path, list] : routes_)
    for (const auto& r : list)
      if (r.api) out.emplace_back(r.method, path);
  return out;
}

namespace {

// Adds form or JSON-object body fields to `params`. False if the body cannot be read.
bool read_body(const http::request<http::string_body>& req,
               std::map<std::string, std::string>& params) {
  if (req.body().empty()) return true;
  auto type = std::string(req[http::field::content_type]);
  if (type.rfind("application/json", 0) == 0) {
    auto doc = nlohmann::json::parse(req.body(), nullptr, false);
    if (!doc.is_object()) return false;
    for (auto it = doc.begin(); it != doc.end(); ++it)
      params[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
    return true;
  }
  for (auto& [k, v] : url::parse_params(req.body())) params[k] = v;
  return true;
}

}  // namespace

void http_router::handle(const http::request<http::string_body>& req, const std::string& remote,
                         responder respond) const {
  auto [path, query] = url::split_target(req.target());
  api_request api{req.method(), path, url::parse_params(query), remote};
  if (req.method() == http::verb::options) return respond({204, "", "text/plain"});
  auto it = routes_.find(path);
  if (it == routes_.end()) {
    if (fallback_ && (req.method() == http::verb::get || req.method() == http::verb::head))
      return fallback_(api, std::move(respond));
    return respond(json_reply(404, "not found", nullptr, 404));
  }
  for (const auto& r : it->second) {
    if (r.method != req.method()) continue;
    if (r.api && !api_key_.empty() &&
        !bearer_matches(req[http::field::authorization], api_key_))
      return respond(json_reply(401, "missing or wrong API key", nullptr, 401));
    if (!read_body(req, api.params)) return respond(bad_request("body must be a form or a JSON object"));
    return r.handler(api, std::move(respond));
  }
  respond(json_reply(405, "method not allowed", nullptr, 405));
}

}  // namespace parley
