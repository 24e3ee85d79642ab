// /group/send and /group/members: backend access to groups.
#include "actors/ask.hpp"
#include "gateway/routes/route_helpers.hpp"
#include "gateway/routes/routes.hpp"

namespace parley {

namespace http = boost::beast::http;
using routes::app_param;
using routes::param;

void add_group_routes(http_router& router, gateway_context& ctx) {
  router.add(http::verb::post, "/group/send", [&ctx](const api_request& req, responder respond) {
    auto app = app_param(req, ctx, respond);
    if (!app) return;
    auto data = routes::message_fields(req, "group", respond);
    if (!data) return;
    routes::run_behaviour(ctx, "sendGroup", *app, param(req, "userID").value_or("system"),
                          std::move(*data), respond);
  });

  router.add(http::verb::get, "/group/members", [&ctx](const api_request& req, responder respond) {
    auto app = app_param(req, ctx, respond);
    if (!app) return;
    auto group = param(req, "group");
    if (!group || group->empty()) return respond(bad_request("missing group"));
    ask<std::vector<std::string>>(
        ctx.system, ctx.node,
        [respond, group = *group](std::optional<std::vector<std::string>> members) {
          if (!members) return respond(json_reply(1004, "server error", nullptr, 500));
          auto count = members->size();
          respond(json_reply(200, "Success", {{"group", group}, {"members", std::move(*members)},
                                              {"memberCount", count}}));
        },
        members_atom::value, *app, *group);
  });
}

}  // namespace parley
