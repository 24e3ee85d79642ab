// connection: one load-generating WebSocket client. All connections of a process share one
// io_context on one thread (epoll; no thread per connection). Writes are queued with one in
// flight; each received frame goes to `on_frame`. Kept small: the tool holds tens of
// thousands per process.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace parley::bench {

class connection : public std::enable_shared_from_this<connection> {
 public:
  using frame_handler = std::function<void(connection&, const std::string&)>;
  using done_handler = std::function<void(connection&, bool ok)>;

  connection(boost::asio::io_context& ioc, uint32_t index) : ws_(ioc), index_(index) {}

  // Connects from `source` (empty: any) and upgrades on `target`; calls `on_open(ok)`.
  void open(const boost::asio::ip::tcp::endpoint& server, const std::string& source,
            const std::string& host, const std::string& target, done_handler on_open);
  void send(std::string text);
  void close();
  // Offers permessage-deflate in the upgrade (before open); Beast inflates what arrives.
  void offer_deflate();
  // Ends the TCP connection with a reset at the end of a run: a normal close from this side
  // leaves one TIME_WAIT entry per connection on the client's ports for 60 s, and 100 k of
  // those slow the next run's connect() (measured: 19-20 k/s fell to 15-17 k/s).
  void abort();

  frame_handler on_frame;
  done_handler on_closed;
  uint32_t index() const { return index_; }
  bool is_open() const { return open_; }

 private:
  void do_read();
  void do_write();

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  uint32_t index_;
  bool writing_ = false;
  bool open_ = false;
};

}  // namespace parley::bench
