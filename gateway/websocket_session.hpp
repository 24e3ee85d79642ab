// websocket_session: one accepted WebSocket, the gateway side of a connection actor.
//
// Shape after Beast's chat-multi example: everything runs on the socket's strand; do_x()
// starts an operation and on_x(ec, ...) completes it. The session
//  - reads one frame at a time and sends it to its connection actor; it stops reading while
//    max_inflight_frames are with the actor (so a flooding client fills its own TCP window,
//    not our mailboxes) and resumes on frame_done();
//  - answers a bare text `ping` with `pong` itself (gateway-style clients);
//  - takes frames and frame_done() calls from actors through a small locked inbox, posting
//    to its strand once per burst rather than once per call (a command's reply and its
//    frame_done() usually share one post);
//  - queues outgoing messages (shared, never copied) with one write in flight; each write
//    takes everything queued (up to frame_batch::max_frames) as one gather write of frames it
//    builds itself (frame_socket keeps Beast's control frames from interleaving); when the
//    queued bytes would pass write_queue_limit_bytes the reader is too slow: the queue is
//    dropped and the socket closed with 1008 after the write in flight;
//  - waits for the next frame with a one-byte read into the session itself, and only then
//    reads the rest of the message into a heap buffer that is freed again afterwards: an
//    idle connection holds no read buffer (Beast's async_read would keep ~1.5 KB prepared);
//  - is a member of the node's keepalive (gateway/keepalive.hpp) rather than using Beast's
//    per-stream idle timer: pinged after ping_interval of silence while it waits for a
//    frame, dropped (close_reason::timeout) when still silent at twice that.
// It holds one slot of the node's connection gauge from construction to destruction (the
// slot is reserved before the upgrade, so max_connections is never passed).
#pragma once

#include <atomic>

#include <list>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "actors/connection/connection_sink.hpp"
#include "gateway/frame_batch.hpp"
#include "gateway/frame_socket.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/spin_lock.hpp"

namespace parley {

template <bool Deflate>
class websocket_session : public connection_sink,
                          public keepalive::member,
                          public std::enable_shared_from_this<websocket_session<Deflate>> {
 public:
  using request = boost::beast::http::request<boost::beast::http::string_body>;

  websocket_session(transport&& stream, gateway_context& ctx,
                    std::string remote, std::string address);
  ~websocket_session() override;

  // Completes the upgrade of `req`; `pre_app`/`pre_user` name a user whose token on the
  // upgrade URL was valid (0/"" if none).
  void run(request req, uint32_t pre_app, std::string pre_user);

  void attach(caf::actor connection, std::string conn_id) override;
  void send(frame_ptr frame) override;
  void frame_done() override;
  void close(close_reason reason) override;
  void close(close_reason reason, const std::string& text) override;
  void logged_in() override;
  void hold() override;
  void release(std::vector<frame_ptr> first, recovered_filter_ptr filter = nullptr) override;
  std::shared_ptr<keepalive::member> pin() override { return this->weak_from_this().lock(); }
  void quiet() override;

 private:
  void on_accept(boost::beast::error_code ec);
  void alive();  // a sign of life from the peer, or a read started after a pause
  void on_quiet();
  void do_read();
  void on_first_byte(boost::beast::error_code ec, std::size_t bytes);
  void read_rest();
  void on_rest(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  // Runs `add` (which puts something into the inbox) under the inbox lock; posts take_inbox
  // if the inbox was empty. Called from any thread.
  template <class Add>
  void to_inbox(Add&& add);
  void take_inbox();
  void queue(frame_ptr frame);
  void flush();
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  // Bookkeeping after a batch went out (or failed): true if more data frames may be written.
  bool batch_written(boost::beast::error_code ec);
  std::size_t writing() const { return batch_ ? batch_->frames() : 0; }
  // Drops (and counts) every queued frame but the first `keep`, which a write still reads.
  void drop_queued(std::size_t keep);
  void close_socket();
  void start_close(close_reason reason);
  boost::beast::websocket::close_reason close_frame() const;  // reason_ (and close_text_)
  void on_close(boost::beast::error_code ec);
  void finish(close_reason reason);

  // Deflate (config permessage_deflate): Beast negotiates permessage-deflate and inflates
  // what clients send compressed (~11 KB more per connection that negotiated it, and ~0.4 KB
  // per stream even when none does: the node builds websocket_session<false> with it off).
  boost::beast::websocket::stream<frame_socket, Deflate> ws_;
  boost::beast::flat_buffer buffer_;  // empty between messages
  char first_byte_ = 0;               // where an idle connection waits for its next frame
  gateway_context& ctx_;
  std::string remote_;
  std::string address_;                // the peer's IP (address_limits)
  std::atomic<bool> anonymous_{true};  // counted as not logged in for address_ until login
  bool deflate_ = false;  // permessage-deflate negotiated (with the server's full window)
  std::string conn_id_;
  std::chrono::steady_clock::time_point opened_ = std::chrono::steady_clock::now();
  caf::actor connection_;
  // std::list, not std::deque: an empty libstdc++ deque still allocates ~576 bytes, and
  // almost every connection's queue is empty almost all the time.
  struct queued {
    frame_ptr bytes;        // the payload as written: the text, or its deflated form
    bool deflated = false;  // RSV1 (permessage-deflate)
  };
  std::list<queued> queue_;
  std::size_t queued_bytes_ = 0;
  frame_batch::ptr batch_;  // the write in flight, if any
  // Frames and frame_done() calls handed over by actors (any thread) since the strand last
  // took them; guarded by inbox_lock_.
  std::vector<frame_ptr> inbox_;
  uint32_t inbox_done_ = 0;
  // While a login holds the socket (hold()): what was sent since, for release(), and after
  // the last release the filter of a recovery while it lasts. Guarded by inbox_lock_; null
  // (8 bytes) on every connection that is neither held nor filtered.
  struct hold_state {
    std::vector<frame_ptr> frames;  // the `first` of earlier releases, then the live ones
    size_t ahead = 0;               // how many of `frames` are such `first` ones
    uint32_t holds = 0;             // hold() calls not yet released
    recovered_filter_ptr filter;
  };
  std::unique_ptr<hold_state> held_;
  spin_flag inbox_lock_;
  uint32_t inflight_ = 0;
  uint32_t pre_app_ = 0;
  std::string pre_user_;
  close_reason reason_ = close_reason::client;
  std::unique_ptr<std::string> close_text_;  // an API close's own reason text, if any
  bool attached_ = false;
  bool reading_ = false;
  bool closing_ = false;
  bool finished_ = false;
  bool pinged_ = false;        // a keepalive ping went out since the last sign of life
  bool ping_in_flight_ = false;
};

}  // namespace parley
