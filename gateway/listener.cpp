#include "gateway/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "config/logging.hpp"
#include "gateway/fail.hpp"
#include "gateway/http_session.hpp"
#include "gateway/tls_credentials.hpp"

namespace parley {

namespace net = boost::asio;
using tcp = net::ip::tcp;

listener::listener(net::io_context& ioc, gateway_context& ctx,
                   std::shared_ptr<const http_router> router)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_(acceptor_.get_executor()),
      ctx_(ctx),
      router_(std::move(router)) {}

bool listener::open(const tcp::endpoint& endpoint, std::string& error) {
  boost::beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) error = ec.message();
  return !ec;
}

void listener::run() { do_accept(); }

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::beast::error_code ignored;
    self->retry_.cancel();
    self->acceptor_.close(ignored);
  });
}

uint16_t listener::port() const { return acceptor_.local_endpoint().port(); }

void listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         boost::beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(boost::beast::error_code ec, connection_socket socket) {
  if (ec == net::error::operation_aborted) return;  // stop()
  if (ec) {
    // EMFILE and friends: the pending connection stays in the backlog, so an immediate retry
    // would fail again at full speed. Wait a little, then accept again.
    log::gateway()->warn("accept: {} (retrying in 100 ms)", ec.message());
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](boost::beast::error_code wait_ec) {
      if (!wait_ec && self->acceptor_.is_open()) self->do_accept();
    });
    return;
  } else {
    // Chat traffic is small frames that want to leave now: no Nagle delay.
    boost::beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto tls = ctx_.tls ? ctx_.tls->current() : nullptr;
    auto stream = tls ? transport(std::move(socket), std::move(tls)) : transport(std::move(socket));
    std::make_shared<http_session>(std::move(stream), ctx_, router_)->run();
  }
  if (acceptor_.is_open()) do_accept();
}

}  // namespace parley
