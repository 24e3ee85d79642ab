// transport: the byte stream of one accepted connection: the TCP socket itself, or TLS over
// it (Beast's ssl_stream, whose flat_stream layer coalesces a gather write of many frames
// into one TLS record instead of one record and one syscall per frame).
//
// Chosen per listener at run time, so the HTTP session, the WebSocket session and
// frame_socket are one implementation for ws:// and wss://: each operation is one branch.
// A TLS transport keeps the context it was accepted with (a certificate reload on SIGHUP
// leaves open connections alone). A plain transport costs one pointer more than a socket.
//
// The TLS stream is not move-safe while an operation is pending, and the WebSocket session
// takes the transport over from the HTTP session: it lives on the heap, so the move only
// moves the pointer.
#pragma once

#include <cassert>
#include <memory>
#include <utility>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "gateway/connection_socket.hpp"

namespace parley {

class transport {
 public:
  using executor_type = connection_executor;
  using tls_stream = boost::beast::ssl_stream<connection_socket>;

  explicit transport(connection_socket&& socket) : socket_(std::move(socket)) {}
  transport(connection_socket&& socket, std::shared_ptr<boost::asio::ssl::context> context)
      : socket_(socket.get_executor()),
        tls_(std::make_unique<tls_state>(std::move(socket), std::move(context))) {}
  transport(transport&&) = default;
  transport& operator=(transport&&) = default;

  bool secure() const { return tls_ != nullptr; }
  // The TCP socket under it all (close, shutdown, options, endpoints).
  connection_socket& socket() { return tls_ ? tls_->stream.next_layer() : socket_; }
  const connection_socket& socket() const { return tls_ ? tls_->stream.next_layer() : socket_; }
  executor_type get_executor() { return socket().get_executor(); }

  // The server side of the TLS handshake (a TLS transport only).
  template <class Handler>
  void async_handshake(Handler&& handler) {
    assert(tls_);
    tls_->stream.async_handshake(boost::asio::ssl::stream_base::server,
                                 std::forward<Handler>(handler));
  }

  template <class MutableBufferSequence, class ReadHandler>
  void async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    if (tls_) return tls_->stream.async_read_some(buffers, std::forward<ReadHandler>(handler));
    socket_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  template <class ConstBufferSequence, class WriteHandler>
  void async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    if (tls_) return tls_->stream.async_write_some(buffers, std::forward<WriteHandler>(handler));
    socket_.async_write_some(buffers, std::forward<WriteHandler>(handler));
  }

 private:
  struct tls_state {
    tls_state(connection_socket&& socket, std::shared_ptr<boost::asio::ssl::context> ctx)
        : context(std::move(ctx)), stream(std::move(socket), *context) {}
    std::shared_ptr<boost::asio::ssl::context> context;  // outlives the stream using it
    tls_stream stream;
  };

  connection_socket socket_;  // unopened when TLS owns the socket
  std::unique_ptr<tls_state> tls_;
};

}  // namespace parley
