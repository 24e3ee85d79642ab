// GET /history?appID&userID&with|group&before&limit: a page of a conversation, for backends
// (behind the API key like every API route). The `history` behaviour answers it, as userID:
// the pair (userID, with), or any group (a backend is not asked for membership).
#include "gateway/routes/route_helpers.hpp"
#include "gateway/routes/routes.hpp"

namespace parley {

namespace http = boost::beast::http;
using routes::app_param;
using routes::param;

void add_history_routes(http_router& router, gateway_context& ctx) {
  router.add(http::verb::get, "/history", [&ctx](const api_request& req, responder respond) {
    auto app = app_param(req, ctx, respond);
    if (!app) return;
    auto user = param(req, "userID");
    if (!user || user->empty()) return respond(bad_request("missing userID"));
    nlohmann::json data = nlohmann::json::object();
    for (const char* key : {"with", "group", "before"})
      if (auto v = param(req, key)) data[key] = *v;
    if (auto limit = param(req, "limit")) {
      char* end = nullptr;
      auto n = std::strtoul(limit->c_str(), &end, 10);
      if (limit->empty() || *end != '\0' || n > 1000000)
        return respond(bad_request("limit must be a number"));
      data["limit"] = n;
    }
    routes::run_behaviour(ctx, "history", *app, *user, std::move(data), respond);
  });
}

}  // namespace parley
