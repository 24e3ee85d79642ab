// listener: accepts TCP connections and starts an http_session for each.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "gateway/connection_socket.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/http_router.hpp"

namespace parley {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(boost::asio::io_context& ioc, gateway_context& ctx,
           std::shared_ptr<const http_router> router);

  // Binds and listens; on failure returns false with `error` set.
  bool open(const boost::asio::ip::tcp::endpoint& endpoint, std::string& error);
  void run();
  void stop();  // stops accepting; open connections are not touched
  uint16_t port() const;

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, connection_socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // backs off after accept errors such as EMFILE
  gateway_context& ctx_;
  std::shared_ptr<const http_router> router_;
};

}  // namespace parley
