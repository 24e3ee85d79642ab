// frame_socket: the transport (TCP, or TLS over it) under a session's Beast WebSocket stream.
//
// Beast writes one frame per write operation. To put everything queued for a socket on the
// wire with one syscall, the session frames its messages itself (server frames are unmasked:
// a 2-10 byte header before the payload) and writes them in batches with write_frames().
// Beast still does the handshake, the reads, pings, pongs and the close handshake, and writes
// through async_write_some. This layer turns every write -- Beast's and the session's -- into
// one complete net::async_write and runs them strictly one after the other, so bytes of two
// frames can never interleave on the wire. A session batch first tries write_now (a plain
// non-blocking send when nothing is in flight; plain TCP only, as a TLS record cannot be
// half-sent that way) and only sends what is left asynchronously.
// (Once Beast starts a close handshake the stream is no longer `is_open()`, and the session
// stops writing data frames.)
//
// Beast's own operations hold only a weak reference to its stream, which lives inside the
// session; a write Beast started therefore keeps the session (the owner) alive until it ends.
// Everything here runs on the socket's strand.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include "gateway/connection_socket.hpp"
#include "gateway/lingering_close.hpp"
#include "gateway/transport.hpp"

namespace parley {

class frame_socket {
 public:
  using socket_type = connection_socket;
  using executor_type = socket_type::executor_type;

  explicit frame_socket(transport&& stream) : stream_(std::move(stream)) {}

  executor_type get_executor() noexcept { return stream_.get_executor(); }
  // The TCP socket (Beast's lowest layer: close, teardown).
  socket_type& next_layer() noexcept { return stream_.socket(); }
  const socket_type& next_layer() const noexcept { return stream_.socket(); }

  void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }
  void set_linger(linger_limits limits) { linger_ = limits; }
  const linger_limits& linger() const { return linger_; }

  template <class MutableBufferSequence, class ReadHandler>
  void async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    stream_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  // Beast's writes: written completely, so Beast never calls again with a remainder.
  template <class ConstBufferSequence, class WriteHandler>
  void async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    auto keep = owner_.lock();
    if (!keep) {  // the session is being destroyed: nobody will read the result
      boost::asio::post(stream_.get_executor(),
                        [h = std::forward<WriteHandler>(handler)]() mutable {
                          h(boost::asio::error::operation_aborted, std::size_t{0});
                        });
      return;
    }
    write_all(buffers, [keep = std::move(keep), h = std::forward<WriteHandler>(handler)](
                           boost::beast::error_code ec, std::size_t n) mutable { h(ec, n); });
  }

  // Writes what the kernel takes right now, if no write is in flight: the bytes written, 0
  // when a write is in flight or the socket's buffer is full. Needs a non-blocking socket.
  // Saves the completion hop of an asynchronous write for the usual case, a socket with
  // room; the caller writes the rest, if any, with write_frames.
  template <class ConstBufferSequence>
  std::size_t write_now(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
    ec = {};
    if (writing_ || stream_.secure()) return 0;
    auto n = stream_.socket().write_some(buffers, ec);
    if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) ec = {};
    return ec ? 0 : n;
  }

  // The session's batches of complete frames. The handler must keep the session alive.
  template <class ConstBufferSequence, class WriteHandler>
  void write_frames(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    write_all(buffers, std::forward<WriteHandler>(handler));
  }

 private:
  struct pending_write {
    virtual ~pending_write() = default;
    virtual void start(frame_socket& socket) = 0;
  };

  template <class Buffers, class Handler>
  struct pending_write_of final : pending_write {
    pending_write_of(const Buffers& b, Handler&& h) : buffers(b), handler(std::move(h)) {}
    void start(frame_socket& socket) override {
      socket.write_all(buffers, std::move(handler));
    }
    Buffers buffers;
    Handler handler;
  };

  // At most one write of each kind (Beast's, the session's) is outstanding, so with one in
  // flight at most one waits.
  template <class Buffers, class Handler>
  void write_all(const Buffers& buffers, Handler&& handler) {
    using handler_type = std::decay_t<Handler>;
    if (writing_) {
      assert(!pending_);
      pending_ = std::make_unique<pending_write_of<Buffers, handler_type>>(
          buffers, handler_type(std::forward<Handler>(handler)));
      return;
    }
    writing_ = true;
    boost::asio::async_write(
        stream_, buffers,
        [this, h = handler_type(std::forward<Handler>(handler))](boost::beast::error_code ec,
                                                                 std::size_t n) mutable {
          // `h` keeps the owner, and so this socket, alive until it has run.
          writing_ = false;
          if (auto next = std::move(pending_)) next->start(*this);
          h(ec, n);
        });
  }

  transport stream_;
  std::weak_ptr<void> owner_;
  linger_limits linger_;
  std::unique_ptr<pending_write> pending_;
  bool writing_ = false;
};

// Beast closes the connection through these (found by argument-dependent lookup).
inline void teardown(boost::beast::role_type role, frame_socket& socket,
                     boost::beast::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, socket.next_layer(), ec);
}

// The asynchronous close, after the close frame went out: a lingering close
// (gateway/lingering_close.hpp), not Beast's teardown.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type, frame_socket& socket, TeardownHandler&& handler) {
  using op = lingering_close<frame_socket::socket_type, std::decay_t<TeardownHandler>>;
  op::start(socket.next_layer(), socket.linger(), std::forward<TeardownHandler>(handler));
}

}  // namespace parley
