#include "gateway/http_session.hpp"

#include <ctime>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "actors/auth/token.hpp"
#include "config/logging.hpp"
#include "gateway/fail.hpp"
#include "gateway/forwarded_for.hpp"
#include "config/text.hpp"
#include "gateway/url.hpp"
#include "gateway/websocket_session.hpp"

namespace parley {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

http_session::http_session(transport&& stream, gateway_context& ctx,
                           std::shared_ptr<const http_router> router)
    : stream_(std::move(stream)), deadline_(stream_.get_executor()), ctx_(ctx),
      router_(std::move(router)) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  address_ = peer_address_ = ec ? "?" : ep.address().to_string();
  remote_ = peer_remote_ = ec ? "?" : address_ + ":" + std::to_string(ep.port());
}

void http_session::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->expire_after(std::chrono::seconds(self->ctx_.config->handshake_timeout));
    if (!self->stream_.secure()) return self->do_read();
    self->stream_.async_handshake(
        beast::bind_front_handler(&http_session::on_handshake, self));
  });
}

void http_session::expire_after(std::chrono::seconds timeout) {
  auto generation = ++deadline_generation_;
  deadline_.expires_after(timeout);
  deadline_.async_wait([weak = weak_from_this(), generation](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || generation != self->deadline_generation_) return;
    self->timed_out_ = true;
    beast::error_code ignored;
    self->stream_.socket().close(ignored);  // what is pending fails with operation_aborted
  });
}

void http_session::on_handshake(beast::error_code ec) {
  if (ec) {
    if (timed_out_) {
      ctx_.stats.handshake_timeouts_total.fetch_add(1, std::memory_order_relaxed);
      log::http()->debug("tls handshake timed out remote={}", remote_);
    } else {
      ctx_.stats.tls_handshake_failures_total.fetch_add(1, std::memory_order_relaxed);
      warn_throttled(ctx_.warnings, log::http(), remote_, "tls handshake failed remote={}: {}",
                     remote_, ec.message());
    }
    beast::error_code ignored;
    stream_.socket().close(ignored);
    return;
  }
  ctx_.stats.tls_handshakes_total.fetch_add(1, std::memory_order_relaxed);
  do_read();
}

void http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(ctx_.config->max_http_body_bytes);
  parser_->header_limit(16 * 1024);
  // The first request, like the TLS handshake before it, counts from the connection's start
  // (the deadline armed in run() is still running); later ones from the previous answer.
  if (!first_request_)
    expire_after(std::chrono::seconds(ctx_.config->http_keepalive_timeout));
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (timed_out_) {
    // Cut at the deadline: a request begun but not finished (slow-loris), or a first request
    // that never came, is a handshake timeout; a keep-alive connection that stayed quiet is
    // an ordinary idle close.
    bool begun = parser_->got_some() || buffer_.size() > 0;
    if (first_request_ || begun) {
      ctx_.stats.handshake_timeouts_total.fetch_add(1, std::memory_order_relaxed);
      log::http()->debug("request timed out remote={} bytes={}", remote_, buffer_.size());
    } else {
      ctx_.stats.http_idle_closed_total.fetch_add(1, std::memory_order_relaxed);
    }
    return;
  }
  if (ec == http::error::body_limit) {
    started_ = std::chrono::steady_clock::now();
    return reply(json_reply(413, "request body too large", nullptr, 413), false);
  }
  if (ec && ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    started_ = std::chrono::steady_clock::now();  // a request Beast cannot parse: say so
    return reply(json_reply(400, "bad request: " + ec.message(), nullptr, 400), false);
  }
  if (ec) return fail(ec, "http read");
  ++deadline_generation_;  // no deadline while the answer is being made; reply() arms one
  deadline_.cancel();
  auto req = parser_->release();
  ctx_.stats.http_requests_total.fetch_add(1, std::memory_order_relaxed);
  method_ = std::string(req.method_string());
  target_ = std::string(req.target());
  started_ = std::chrono::steady_clock::now();
  origin_ = std::string(req[http::field::origin]);
  if (!ctx_.config->host_allowed(req[http::field::host])) {
    ctx_.stats.hosts_refused_total.fetch_add(1, std::memory_order_relaxed);
    warn_throttled(ctx_.warnings, log::http(), remote_, "request refused remote={} host={}",
                   remote_, log::safe(std::string(req[http::field::host]), 128));
    return reply(json_reply(403, "host not allowed (allowed_hosts)", nullptr, 403), false);
  }
  if (!ctx_.config->trusted_proxies.empty()) {
    auto client = client_address(peer_address_, req["X-Forwarded-For"],
                                 ctx_.config->trusted_proxies);
    address_ = client;
    remote_ = client == peer_address_ ? peer_remote_ : client + " via " + peer_remote_;
  }
  if (beast::websocket::is_upgrade(req)) return upgrade(std::move(req));
  bool keep_alive = req.keep_alive();
  auto& active = ctx_.stats.http_requests_active;
  if (active.fetch_add(1) >= static_cast<int64_t>(ctx_.config->max_http_requests)) {
    active.fetch_sub(1);
    ctx_.stats.http_requests_refused_total.fetch_add(1, std::memory_order_relaxed);
    warn_throttled(ctx_.warnings, log::http(), remote_,
                   "request refused remote={} reason=max_http_requests ({})", remote_,
                   ctx_.config->max_http_requests);
    auto busy = json_reply(503, "too many requests being answered (max_http_requests)", nullptr, 503);
    busy.headers.emplace_back("Retry-After", "1");
    return reply(std::move(busy), keep_alive);
  }
  router_->handle(req, remote_, [self = shared_from_this(), keep_alive](api_response res) {
    self->ctx_.stats.http_requests_active.fetch_sub(1);
    net::post(self->stream_.get_executor(), [self, keep_alive, res = std::move(res)]() mutable {
      self->reply(std::move(res), keep_alive);
    });
  });
}

void http_session::upgrade(request&& req) {
  auto [path, query] = url::split_target(req.target());
  if (path != "/acc" && path != "/ws") return reply(json_reply(404, "not found", nullptr, 404), false);
  const auto& cfg = *ctx_.config;
  auto origin = std::string(req[http::field::origin]);
  if (!origin.empty() && !cfg.origin_allowed(origin)) {
    ctx_.stats.upgrades_forbidden_total.fetch_add(1, std::memory_order_relaxed);
    warn_throttled(ctx_.warnings, log::auth(), remote_, "upgrade refused remote={} origin={}",
                   remote_, log::safe(origin, 128));
    return reply(json_reply(403, "origin not allowed", nullptr, 403), false);
  }
  uint32_t pre_app = 0;
  std::string pre_user;
  auto params = url::parse_params(query);
  if (cfg.auth_enabled() && params.count("token")) {
    auto app_text = url::param(params, "appID").value_or("");
    pre_user = url::param(params, "userID").value_or("");
    bool numeric = parse_uint32(app_text, pre_app);
    auto status = numeric ? auth::verify_token(cfg.auth_secret, cfg.auth_secret_previous, pre_app, pre_user, params["token"],
                                               static_cast<int64_t>(std::time(nullptr)))
                          : auth::token_status::malformed;
    if (status != auth::token_status::valid) {
      ctx_.stats.upgrades_forbidden_total.fetch_add(1, std::memory_order_relaxed);
      warn_throttled(ctx_.warnings, log::auth(), remote_,
                     "upgrade refused remote={} app={} user={} reason=token {}", remote_,
                     log::safe(app_text, 16), log::safe(pre_user), auth::to_string(status));
      return reply(json_reply(1003, "invalid token", nullptr, 403), false);
    }
  }
  // The per-address caps (anonymous connections, upgrades per second): 429.
  auto admitted = ctx_.addresses.admit(address_, std::chrono::steady_clock::now());
  if (admitted != address_limits::verdict::admit) {
    ctx_.stats.upgrades_throttled_total.fetch_add(1, std::memory_order_relaxed);
    bool anonymous = admitted == address_limits::verdict::too_many_anonymous;
    warn_throttled(ctx_.warnings, log::gateway(), remote_, "upgrade refused remote={} reason={}",
                   remote_, anonymous ? "max_anonymous_per_address" : "upgrades_per_address_per_second");
    return reply(json_reply(429, anonymous ? "too many connections not logged in from this address"
                                           : "too many upgrades per second from this address",
                            nullptr, 429), false);
  }
  // Reserve a slot first, so concurrent upgrades cannot pass the limit together.
  if (ctx_.stats.connections.fetch_add(1) >= static_cast<int64_t>(cfg.max_connections)) {
    ctx_.stats.connections.fetch_sub(1);
    ctx_.addresses.settled(address_);
    ctx_.stats.upgrades_rejected_total.fetch_add(1, std::memory_order_relaxed);
    warn_throttled(ctx_.warnings, log::gateway(), remote_,
                   "upgrade refused remote={} reason=max_connections ({})", remote_,
                   cfg.max_connections);
    return reply(json_reply(503, "server full", nullptr, 503), false);
  }
  ++deadline_generation_;  // the WebSocket session has its own timeouts
  deadline_.cancel();
  auto start = [&](auto session) { session->run(std::move(req), pre_app, std::move(pre_user)); };
  if (cfg.permessage_deflate)
    start(std::make_shared<websocket_session<true>>(std::move(stream_), ctx_, remote_, address_));
  else
    start(std::make_shared<websocket_session<false>>(std::move(stream_), ctx_, remote_, address_));
}

void http_session::reply(api_response res, bool keep_alive) {
  auto millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
  if (log::http()->should_log(spdlog::level::info))  // redacting allocates: only when logged
    log::http()->info("{} {} {} remote={} ms={:.2f}", log::safe(method_, 16),
                      log::redact_target(target_), res.status, remote_, millis);
  auto msg = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), 11);
  msg->set(http::field::server, "parley");
  msg->set(http::field::content_type, res.content_type);
  // CORS: any origin while the API is open; with an API key only the configured origins (a
  // browser page elsewhere must not drive the API with a key it was given).
  const auto& cfg = *ctx_.config;
  if (cfg.api_key.empty()) {
    msg->set(http::field::access_control_allow_origin, "*");
  } else if (!origin_.empty() && !cfg.allowed_origins.empty() && cfg.origin_allowed(origin_)) {
    msg->set(http::field::access_control_allow_origin, origin_);
    msg->set(http::field::vary, "Origin");
  }
  msg->set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
  msg->set(http::field::access_control_allow_headers, "Authorization, Content-Type");
  msg->set(http::field::access_control_max_age, "600");
  for (const auto& [name, value] : res.headers) msg->set(name, value);
  msg->keep_alive(keep_alive);
  msg->body() = std::move(res.body);
  msg->prepare_payload();
  expire_after(std::chrono::seconds(ctx_.config->handshake_timeout));
  http::async_write(stream_, *msg,
                    [self = shared_from_this(), msg, close = !keep_alive](beast::error_code ec, std::size_t n) {
                      self->on_write(close, ec, n);
                    });
}

void http_session::on_write(bool close, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "http write");
  ++deadline_generation_;
  deadline_.cancel();
  if (close) {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    return;
  }
  first_request_ = false;
  do_read();
}

}  // namespace parley
