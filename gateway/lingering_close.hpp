// lingering_close: how a WebSocket ends after Parley sent its close frame, as nginx's
// lingering_close does. The kernel answers data that arrives on a closed socket with a reset,
// and a reset can throw away the close frame before the client read it: a client that was
// sending a 2 MiB frame when its 1009 went out saw 1006 instead. So after the close frame the
// socket is shut down for sending, and what the peer still sends is read and discarded until
// it closes its side, `max_bytes` have been discarded, or `timeout` has passed; only then
// is the socket closed.
//
// (Beast 1.74's own teardown does the first part but stops reading after its first wait for
// data: it tests the coroutine's stale byte count instead of the read's.)
//
// Cost: one 4 KiB buffer and one timer per closing socket, for at most `timeout`.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

namespace parley {

struct linger_limits {
  std::size_t max_bytes = 32u << 20;
  std::chrono::milliseconds timeout{2000};
};

template <class Socket, class Handler>
class lingering_close : public std::enable_shared_from_this<lingering_close<Socket, Handler>> {
 public:
  // Starts the drain of `socket` (its owner keeps it alive through `handler`); calls
  // handler(error_code{}) on the socket's executor when the socket is closed.
  static void start(Socket& socket, linger_limits limits, Handler&& handler) {
    auto op = std::make_shared<lingering_close>(socket, limits, std::move(handler));
    op->begin();
  }

  lingering_close(Socket& socket, linger_limits limits, Handler&& handler)
      : socket_(socket), timer_(socket.get_executor()), left_(limits.max_bytes),
        timeout_(limits.timeout), handler_(std::move(handler)) {}

 private:
  void begin() {
    boost::beast::error_code ignored;
    socket_.shutdown(Socket::shutdown_send, ignored);
    timer_.expires_after(timeout_);
    timer_.async_wait([self = this->shared_from_this()](boost::beast::error_code ec) {
      if (!ec && !self->done_) {
        boost::beast::error_code ignored;
        self->socket_.cancel(ignored);  // the pending read ends; on_read closes
      }
    });
    read();
  }

  void read() {
    socket_.async_read_some(boost::asio::buffer(buffer_),
                            [self = this->shared_from_this()](boost::beast::error_code ec,
                                                              std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(boost::beast::error_code ec, std::size_t n) {
    if (!ec && n < left_ && !done_) {
      left_ -= n;
      return read();
    }
    done_ = true;
    timer_.cancel();
    boost::beast::error_code ignored;
    socket_.close(ignored);
    handler_(boost::beast::error_code{});
  }

  Socket& socket_;
  boost::asio::steady_timer timer_;
  std::size_t left_;
  std::chrono::milliseconds timeout_;
  Handler handler_;
  std::array<char, 4096> buffer_{};
  bool done_ = false;
};

}  // namespace parley
