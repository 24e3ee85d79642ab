#include "bench/src/connection.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

namespace parley::bench {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

void connection::open(const tcp::endpoint& server, const std::string& source, const std::string& host,
                      const std::string& target, done_handler on_open) {
  auto& sock = ws_.next_layer();
  beast::error_code ec;
  sock.open(tcp::v4(), ec);
  if (!ec && !source.empty()) {
    // Several processes share a source address: let the kernel pick ports per (src, dst).
    int one = 1;
    setsockopt(sock.native_handle(), SOL_IP, 24 /* IP_BIND_ADDRESS_NO_PORT */, &one, sizeof one);
    sock.bind({net::ip::make_address(source), 0}, ec);
  }
  if (ec) return on_open(*this, false);
  sock.async_connect(server, [self = shared_from_this(), host, target, on_open](beast::error_code ec) {
    if (ec) return on_open(*self, false);
    self->ws_.next_layer().set_option(tcp::no_delay(true), ec);
    self->ws_.async_handshake(host, target, [self, on_open](beast::error_code ec) {
      if (ec) return on_open(*self, false);
      self->open_ = true;
      self->ws_.text(true);
      on_open(*self, true);
      self->do_read();
    });
  });
}

void connection::offer_deflate() {
  beast::websocket::permessage_deflate pmd;
  pmd.client_enable = true;
  ws_.set_option(pmd);
}

void connection::do_read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      bool was_open = self->open_;
      self->open_ = false;
      if (was_open && self->on_closed) self->on_closed(*self, false);
      return;
    }
    auto text = beast::buffers_to_string(self->buffer_.data());
    self->buffer_.consume(self->buffer_.size());
    if (self->on_frame) self->on_frame(*self, text);
    self->do_read();
  });
}

void connection::send(std::string text) {
  if (!open_) return;
  queue_.push_back(std::move(text));
  if (!writing_) do_write();
}

void connection::do_write() {
  writing_ = true;
  ws_.async_write(net::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->writing_ = false;
    self->queue_.pop_front();
    if (ec) return;
    if (!self->queue_.empty()) self->do_write();
  });
}

void connection::close() {
  if (!open_) return;
  open_ = false;
  ws_.async_close(beast::websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
}

void connection::abort() {
  auto& sock = ws_.next_layer();
  if (!sock.is_open()) return;
  open_ = false;
  beast::error_code ignored;
  sock.set_option(net::socket_base::linger(true, 0), ignored);
  sock.close(ignored);
}

}  // namespace parley::bench
