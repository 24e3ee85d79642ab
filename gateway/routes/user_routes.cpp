// /user/list, /user/online, /user/sendMessage, /user/sendMessageAll: the gowebsocket API,
// same parameters and response shapes. /user/profile (GET reads, POST sets name and/or
// avatar) runs the `profile` behaviour as the given userID. Sends run through the same behaviours as WebSocket
// sends, so validation, de-duplication and encoding are shared.
#include "actors/ask.hpp"
#include "gateway/routes/route_helpers.hpp"
#include "gateway/routes/routes.hpp"

namespace parley {

namespace http = boost::beast::http;
using routes::app_param;
using routes::param;

namespace {

// sendResults: true when accepted (a repeated msgID is accepted and not delivered again).
nlohmann::json send_results(const nlohmann::json& data) {
  auto out = data;
  out["sendResults"] = true;
  return out;
}

}  // namespace

void add_user_routes(http_router& router, gateway_context& ctx) {
  router.add(http::verb::get, "/user/list", [&ctx](const api_request& req, responder respond) {
    auto app = app_param(req, ctx, respond);
    if (!app) return;
    // The `users` behaviour, paged the same way: limit and cursor.
    nlohmann::json data = nlohmann::json::object();
    if (auto limit = param(req, "limit")) data["limit"] = *limit;
    if (auto cursor = param(req, "cursor")) data["cursor"] = *cursor;
    routes::run_behaviour(ctx, "users", *app, "", std::move(data), respond);
  });

  router.add(http::verb::get, "/user/online", [&ctx](const api_request& req, responder respond) {
    auto app = app_param(req, ctx, respond);
    if (!app) return;
    auto user = param(req, "userID");
    if (!user || user->empty()) return respond(bad_request("missing userID"));
    ask<bool>(
        ctx.system, ctx.node,
        [respond, user = *user](std::optional<bool> online) {
          if (!online) return respond(json_reply(1004, "server error", nullptr, 500));
          respond(json_reply(200, "Success", {{"userID", user}, {"online", *online}}));
        },
        online_atom::value, *app, *user);
  });

  // Only the fields given are changed (name= or avatar= empty clears it).
  auto profile = [&ctx](const api_request& req, responder respond) {
    auto app = app_param(req, ctx, respond);
    if (!app) return;
    auto user = param(req, "userID");
    if (!user || user->empty()) return respond(bad_request("missing userID"));
    nlohmann::json data = nlohmann::json::object();
    if (req.method == http::verb::post)
      for (const char* key : {"name", "avatar"})
        if (auto v = param(req, key)) data[key] = *v;
    routes::run_behaviour(ctx, "profile", *app, *user, std::move(data), respond);
  };
  router.add(http::verb::get, "/user/profile", profile);
  router.add(http::verb::post, "/user/profile", profile);

  router.add(http::verb::post, "/user/sendMessage", [&ctx](const api_request& req, responder respond) {
    auto app = app_param(req, ctx, respond);
    if (!app) return;
    auto data = routes::message_fields(req, "userID", respond);
    if (!data) return;
    // The original showed the receiver as sender; `from` lets a backend name one.
    auto from = param(req, "from").value_or((*data)["userID"].get<std::string>());
    routes::run_behaviour(ctx, "sendMessage", *app, from, std::move(*data), respond, send_results);
  });

  router.add(http::verb::post, "/user/sendMessageAll", [&ctx](const api_request& req, responder respond) {
    auto app = app_param(req, ctx, respond);
    if (!app) return;
    auto data = routes::message_fields(req, "userID", respond);  // userID: the sender here
    if (!data) return;
    auto sender = (*data)["userID"].get<std::string>();
    data->erase("userID");
    routes::run_behaviour(ctx, "sendAll", *app, sender, std::move(*data), respond, send_results);
  });
}

}  // namespace parley
