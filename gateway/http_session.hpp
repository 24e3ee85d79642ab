// http_session: one HTTP/1.1 connection before (or instead of) a WebSocket.
//
// Reads requests one at a time (keep-alive), hands API and static requests to the router
// and writes the answer with CORS headers, logging one line per request. A WebSocket
// upgrade on /acc or /ws is checked here, then handed to a websocket_session:
//   origin not allowed -> 403; a token on the URL that does not verify (auth on) -> 403;
//   max_connections reached -> 503. Refusals get a plain HTTP answer and no socket.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/connection_socket.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/http_router.hpp"

namespace parley {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(connection_socket&& socket, gateway_context& ctx,
               std::shared_ptr<const http_router> router);
  void run();

 private:
  using request = boost::beast::http::request<boost::beast::http::string_body>;

  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void upgrade(request&& req);
  void reply(api_response res, bool keep_alive);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);

  http_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  gateway_context& ctx_;
  std::shared_ptr<const http_router> router_;
  std::string remote_;
  // the request being answered, for the log line
  std::string method_;
  std::string target_;
  std::string origin_;
  std::string address_;  // the peer's IP, for the per-address caps  // the request's Origin header, for CORS
  std::chrono::steady_clock::time_point started_;
};

}  // namespace parley
