// http_router: method + path -> handler, for the HTTP API and the static web UI.
//
// It decodes parameters once (query string, then a form or JSON object body on top), checks
// `Authorization: Bearer <api_key>` on API routes when a key is configured (401 otherwise),
// answers OPTIONS preflights, and gives 404/405 in the API's JSON error shape. Handlers
// answer through `responder`, possibly later and from another thread (actor replies).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

namespace parley {

struct api_request {
  boost::beast::http::verb method;
  std::string path;
  std::map<std::string, std::string> params;
  std::string remote;
};

struct api_response {
  api_response() = default;
  api_response(unsigned s, std::string b, std::string type = "application/json; charset=utf-8")
      : status(s), body(std::move(b)), content_type(std::move(type)) {}
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields (Retry-After)
};

using responder = std::function<void(api_response)>;
using route_handler = std::function<void(const api_request&, responder)>;

// {"code": code, "msg": msg, "data": data} with HTTP status `status`.
api_response json_reply(int code, const std::string& msg, nlohmann::json data = nullptr,
                        unsigned status = 200);
// 400 with code 1001 and `reason`.
api_response bad_request(const std::string& reason);

class http_router {
 public:
  explicit http_router(std::string api_key) : api_key_(std::move(api_key)) {}

  // `api` routes need the API key when one is configured.
  void add(boost::beast::http::verb method, std::string path, route_handler handler,
           bool api = true);
  // Handles GET requests no route matched (static files).
  void set_fallback(route_handler handler) { fallback_ = std::move(handler); }

  void handle(const boost::beast::http::request<boost::beast::http::string_body>& req,
              const std::string& remote, responder respond) const;

  // Every route that needs the API key (when one is set), as (method, path).
  std::vector<std::pair<boost::beast::http::verb, std::string>> api_routes() const;

 private:
  struct route {
    boost::beast::http::verb method;
    route_handler handler;
    bool api;
  };
  std::string api_key_;
  std::map<std::string, std::vector<route>> routes_;
  route_handler fallback_;
};

}  // namespace parley
