// routes: the HTTP API, one file per concept. Each add_*_routes() registers its paths.
// docs/http-api.md documents every route.
#pragma once

#include "gateway/gateway_context.hpp"
#include "gateway/http_router.hpp"

namespace parley {

void add_user_routes(http_router& router, gateway_context& ctx);    // /user/*
void add_group_routes(http_router& router, gateway_context& ctx);   // /group/*
void add_history_routes(http_router& router, gateway_context& ctx); // /history
void add_system_routes(http_router& router, gateway_context& ctx);  // /system/state, /metrics
void add_static_files(http_router& router, gateway_context& ctx);   // the web UI

}  // namespace parley
