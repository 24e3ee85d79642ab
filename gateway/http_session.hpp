// http_session: one HTTP/1.1 connection before (or instead of) a WebSocket.
//
// With TLS configured it first completes the TLS handshake. Then it reads requests one at a
// time (keep-alive), hands API and static requests to the router and writes the answer with
// CORS headers, logging one line per request. A WebSocket upgrade on /acc or /ws is checked
// here, then handed (with the transport) to a websocket_session:
//   origin not allowed -> 403; a token on the URL that does not verify (auth on) -> 403;
//   per-address caps -> 429; max_connections reached -> 503. Refusals get a plain HTTP
//   answer and no socket.
// Deadlines (one timer, absolute, so a client dribbling bytes cannot extend them): the TLS
// handshake and the first request within handshake_timeout (counted as a handshake timeout
// when cut), each later request within http_keepalive_timeout of the previous answer, each
// answer written within handshake_timeout. More than max_http_requests requests being
// answered at once: 503 with Retry-After.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/connection_socket.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/http_router.hpp"
#include "gateway/transport.hpp"

namespace parley {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(transport&& stream, gateway_context& ctx,
               std::shared_ptr<const http_router> router);
  void run();

 private:
  using request = boost::beast::http::request<boost::beast::http::string_body>;

  void on_handshake(boost::beast::error_code ec);
  // Arms the one deadline; when it passes the socket is closed, failing what is pending.
  void expire_after(std::chrono::seconds timeout);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void upgrade(request&& req);
  void reply(api_response res, bool keep_alive);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);

  transport stream_;
  boost::asio::steady_timer deadline_;
  // Until the first answer went out: the first request's deadline counts from the accept.
  bool first_request_ = true;
  bool timed_out_ = false;
  uint64_t deadline_generation_ = 0;  // a wait armed before the latest re-arm is stale
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  gateway_context& ctx_;
  std::shared_ptr<const http_router> router_;
  std::string remote_;
  // the request being answered, for the log line
  std::string method_;
  std::string target_;
  std::string origin_;  // the request's Origin header, for CORS
  std::string address_;  // the client's IP, for the per-address caps (behind trusted proxies:
                         // from X-Forwarded-For)
  std::string peer_address_;  // the socket's peer, and with its port
  std::string peer_remote_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace parley
