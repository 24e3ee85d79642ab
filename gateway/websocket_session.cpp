#include "gateway/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/error.hpp>

#include "actors/protocol/pushes.hpp"
#include "config/logging.hpp"
#include "gateway/fail.hpp"
#include "gateway/shared_deflate.hpp"

namespace parley {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;

namespace {

const frame_ptr& pong_frame() {
  static const frame_ptr pong = std::make_shared<const std::string>("pong");
  return pong;
}

close_reason reason_of(const beast::error_code& ec) {
  if (ec == websocket::error::message_too_big) return close_reason::oversize;
  if (ec == beast::error::timeout) return close_reason::timeout;
  if (benign(ec)) return close_reason::client;
  return close_reason::error;
}

}  // namespace

template <bool D>
websocket_session<D>::websocket_session(transport&& stream, gateway_context& ctx,
                                     std::string remote, std::string address)
    : ws_(std::move(stream)), ctx_(ctx), remote_(std::move(remote)), address_(std::move(address)) {}

template <bool D>
void websocket_session<D>::logged_in() {
  if (anonymous_.exchange(false)) ctx_.addresses.settled(address_);
}

template <bool D>
websocket_session<D>::~websocket_session() {
  if (anonymous_.exchange(false)) ctx_.addresses.settled(address_);
  ctx_.pings.remove(*this);
  ctx_.stats.connections.fetch_sub(1);
}

template <bool D>
void websocket_session<D>::run(request req, uint32_t pre_app, std::string pre_user) {
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).non_blocking(true, ignored);  // for frame_socket::write_now
  pre_app_ = pre_app;
  pre_user_ = std::move(pre_user);
  ws_.next_layer().set_owner(this->weak_from_this());
  ws_.next_layer().set_linger({ctx_.config->linger_max_bytes,
                               std::chrono::milliseconds(ctx_.config->linger_timeout_ms)});
  const auto& cfg = *ctx_.config;
  // Every field set: no idle timer and no Beast pings (the node-wide keepalive pings).
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = std::chrono::seconds(cfg.handshake_timeout);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.control_callback([this](websocket::frame_type, beast::string_view) { alive(); });
  if constexpr (D) {  // config permessage_deflate (http_session picks the type)
    // Beast negotiates (RFC 7692) and inflates what clients send compressed; the node's own
    // frames are compressed once per push (shared_deflate), never with context takeover.
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    pmd.server_no_context_takeover = true;
    // Clients that offer client_max_window_bits (browsers, ws, Beast) are asked to compress
    // with a 512-byte window: Beast keeps the inflate window of every such connection, 32 KiB
    // at the default 15 bits (measured idle: 56.6 KB per connection instead of ~23 KB).
    pmd.client_max_window_bits = 9;
    ws_.set_option(pmd);
  }
  // The decorator sees the response after Beast's negotiation: whether the client took the
  // extension, and with the full 15-bit window shared_deflate compresses with (a client that
  // asked for a smaller one gets its frames uncompressed, which RFC 7692 allows).
  ws_.set_option(websocket::stream_base::decorator([this](websocket::response_type& res) {
    res.set(beast::http::field::server, "parley");
    if constexpr (D) {
      auto ext = res[beast::http::field::sec_websocket_extensions];
      deflate_ = ext.find("permessage-deflate") != beast::string_view::npos &&
                 ext.find("server_max_window_bits") == beast::string_view::npos;
    }
  }));
  ws_.read_message_max(cfg.max_frame_bytes);
  ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept,
                                                  this->shared_from_this()));
}

template <bool D>
void websocket_session<D>::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "ws accept");
  ctx_.stats.connections_opened_total.fetch_add(1, std::memory_order_relaxed);
  ctx_.pings.add(*this);
  caf::anon_send(ctx_.node, connect_atom::value, sink_ptr(this->shared_from_this()), remote_,
                 pre_app_, pre_user_);
}

template <bool D>
void websocket_session<D>::attach(caf::actor connection, std::string conn_id) {
  net::post(ws_.get_executor(), [self = this->shared_from_this(), connection = std::move(connection),
                                 conn_id = std::move(conn_id)]() mutable {
    self->conn_id_ = std::move(conn_id);
    self->attached_ = true;
    log::gateway()->info("open conn={} remote={}", self->conn_id_, self->remote_);
    if (self->finished_) {  // the socket died before the actor existed
      caf::anon_send(connection, closed_atom::value, static_cast<uint8_t>(self->reason_));
      return;
    }
    self->connection_ = std::move(connection);
    self->do_read();
  });
}

template <bool D>
void websocket_session<D>::alive() {
  ctx_.pings.touch(*this);
  pinged_ = false;
}

template <bool D>
void websocket_session<D>::quiet() {
  // On the keepalive's thread: only hand the check to the strand.
  net::post(ws_.get_executor(), [self = this->shared_from_this()] { self->on_quiet(); });
}

template <bool D>
void websocket_session<D>::on_quiet() {
  if (finished_ || closing_) return;
  if (!reading_) return alive();  // paused by our own backlog (max_inflight_frames), not silent
  auto silent = ctx_.pings.silence(*this);  // ticks of ping_interval / 2
  if (pinged_ && silent >= 5) {
    log::gateway()->info("no answer to ping conn={} remote={}", conn_id_, remote_);
    return finish(close_reason::timeout);
  }
  if (pinged_ || ping_in_flight_ || silent < 3) return;
  pinged_ = ping_in_flight_ = true;
  ws_.async_ping({}, [self = this->shared_from_this()](beast::error_code) {
    self->ping_in_flight_ = false;  // a failed ping shows up as a failed read
  });
}

template <bool D>
void websocket_session<D>::do_read() {
  reading_ = true;
  alive();
  ws_.async_read_some(net::mutable_buffer(&first_byte_, 1),
                      beast::bind_front_handler(&websocket_session::on_first_byte,
                                                this->shared_from_this()));
}

template <bool D>
void websocket_session<D>::on_first_byte(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, 0);
  alive();
  if (bytes == 1) {
    *static_cast<char*>(buffer_.prepare(1).data()) = first_byte_;
    buffer_.commit(1);
  }
  if (ws_.is_message_done()) return on_read({}, 0);
  read_rest();
}

// The rest of the message, with read_some until Beast says it is done. Not async_read: its
// size hint asserts (Debug builds) in a state a 1-byte read_some can leave behind -- the
// last frame's payload consumed but the message not yet marked done -- which read_some
// itself completes (seen 2 times in 15 runs of Limits.FrameFlood* under the sanitizers).
// read_message_max still applies: Beast checks it on every frame header.
template <bool D>
void websocket_session<D>::read_rest() {
  auto size = std::min<std::size_t>(ctx_.config->max_frame_bytes, 16 * 1024);
  ws_.async_read_some(buffer_.prepare(size),
                      beast::bind_front_handler(&websocket_session::on_rest, this->shared_from_this()));
}

template <bool D>
void websocket_session<D>::on_rest(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, 0);
  buffer_.commit(bytes);
  if (ws_.is_message_done()) return on_read({}, 0);
  read_rest();
}

template <bool D>
void websocket_session<D>::on_read(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec) {
    fail(ec, "ws read");
    return finish(closing_ ? reason_ : reason_of(ec));
  }
  ctx_.stats.frames_in_total.fetch_add(1, std::memory_order_relaxed);
  ctx_.stats.bytes_in_total.fetch_add(buffer_.size(), std::memory_order_relaxed);
  auto text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  buffer_.shrink_to_fit();  // idle connections keep no read buffer
  if (closing_) return do_read();  // drain until the peer answers our close
  if (text == "ping") {
    queue(pong_frame());
    flush();
    return do_read();
  }
  ++inflight_;
  caf::anon_send(connection_, frame_atom::value, std::move(text));
  if (inflight_ < ctx_.config->max_inflight_frames) do_read();
}

template <bool D>
void websocket_session<D>::frame_done() {
  to_inbox([&] { ++inbox_done_; });
}

template <bool D>
void websocket_session<D>::send(frame_ptr frame) {
  recovered_filter_ptr filter;
  to_inbox([&] {
    if (!held_) return inbox_.push_back(std::move(frame));
    if (held_->holds > 0) return held_->frames.push_back(std::move(frame));
    if (held_->filter && !held_->filter->expired()) {
      filter = held_->filter;  // checked outside the lock
      return;
    }
    held_.reset();
    inbox_.push_back(std::move(frame));
  });
  if (!filter) return;
  if (!filter->pass(*frame)) {
    ctx_.stats.pushes_deduplicated_total.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  to_inbox([&] { inbox_.push_back(std::move(frame)); });
}

template <bool D>
void websocket_session<D>::hold() {
  spin_guard guard(inbox_lock_);
  if (!held_) held_ = std::make_unique<hold_state>();
  ++held_->holds;
}

template <bool D>
void websocket_session<D>::release(std::vector<frame_ptr> first, recovered_filter_ptr filter) {
  {
    spin_guard guard(inbox_lock_);
    if (!held_ || held_->holds == 0) {  // not held: `first` goes out now
      inbox_.insert(inbox_.end(), std::make_move_iterator(first.begin()),
                    std::make_move_iterator(first.end()));
    } else {
      auto& h = *held_;
      h.frames.insert(h.frames.begin() + static_cast<std::ptrdiff_t>(h.ahead),
                      std::make_move_iterator(first.begin()), std::make_move_iterator(first.end()));
      h.ahead += first.size();
      if (filter) h.filter = std::move(filter);
      if (--h.holds == 0) {
        // The last release: what was released ahead, then the live frames the filter passes
        // (bounded by what arrived during one login).
        for (size_t i = 0; i < h.frames.size(); ++i) {
          if (i >= h.ahead && h.filter && !h.filter->pass(*h.frames[i])) {
            ctx_.stats.pushes_deduplicated_total.fetch_add(1, std::memory_order_relaxed);
            continue;
          }
          inbox_.push_back(std::move(h.frames[i]));
        }
        if (h.filter && !h.filter->expired()) {
          h.frames.clear();
          h.frames.shrink_to_fit();
          h.ahead = 0;
        } else {
          held_.reset();
        }
      }
    }
  }
  net::post(ws_.get_executor(), [self = this->shared_from_this()] { self->take_inbox(); });
}

template <bool D>
template <class Add>
void websocket_session<D>::to_inbox(Add&& add) {
  bool first;
  {
    spin_guard guard(inbox_lock_);
    first = inbox_.empty() && inbox_done_ == 0;
    add();
  }
  // One post per burst, not per call: the strand takes everything that arrived meanwhile.
  if (first) net::post(ws_.get_executor(), [self = this->shared_from_this()] { self->take_inbox(); });
}

template <bool D>
void websocket_session<D>::take_inbox() {
  std::vector<frame_ptr> frames;
  uint32_t done;
  {
    spin_guard guard(inbox_lock_);
    frames.swap(inbox_);
    done = inbox_done_;
    inbox_done_ = 0;
  }
  for (auto& frame : frames) queue(std::move(frame));
  flush();
  if (done == 0) return;  // replies go out before reading resumes, as they were queued first
  inflight_ -= std::min(inflight_, done);
  if (!reading_ && !finished_ && !closing_ && inflight_ < ctx_.config->max_inflight_frames)
    do_read();
}

template <bool D>
void websocket_session<D>::queue(frame_ptr frame) {
  if (closing_ || finished_ || !ws_.is_open()) {
    ctx_.stats.pushes_dropped_total.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (queued_bytes_ + frame->size() > ctx_.config->write_queue_limit_bytes) {
    warn_throttled(ctx_.warnings, log::gateway(), remote_,
                   "slow reader conn={} remote={} queued_bytes={}", conn_id_, remote_, queued_bytes_);
    return start_close(close_reason::slow_reader);
  }
  queued_bytes_ += frame->size();
  if (D && deflate_ && frame->size() >= ctx_.config->deflate_min_bytes) {
    bool ran = false;
    auto deflated = shared_deflate::compress(frame, ran);
    if (ran) ctx_.stats.deflate_runs_total.fetch_add(1, std::memory_order_relaxed);
    if (deflated) {
      auto saved = frame->size() - deflated->size();
      ctx_.stats.frames_deflated_total.fetch_add(1, std::memory_order_relaxed);
      ctx_.stats.deflate_saved_bytes_total.fetch_add(saved, std::memory_order_relaxed);
      queued_bytes_ -= saved;
      queue_.push_back({std::move(deflated), true});
      return;
    }
  }
  queue_.push_back({std::move(frame), false});
}

template <bool D>
void websocket_session<D>::flush() {
  if (!batch_ && !queue_.empty() && !closing_ && !finished_) do_write();
}

template <bool D>
void websocket_session<D>::do_write() {
  while (!queue_.empty()) {
    batch_ = frame_batch::make();
    for (auto it = queue_.begin(); it != queue_.end() && !batch_->full(); ++it)
      batch_->add(*it->bytes, it->deflated);
    // Usually the socket has room: write now, with no completion handler to run later.
    beast::error_code ec;
    auto buffers = batch_->buffers();
    auto n = ws_.next_layer().write_now(buffers, ec);
    if (!ec && n < net::buffer_size(buffers)) {  // the rest when the socket takes it
      beast::buffers_suffix<frame_batch::buffers_view> rest(buffers);
      rest.consume(n);
      ws_.next_layer().write_frames(
          rest, beast::bind_front_handler(&websocket_session::on_write, this->shared_from_this()));
      return;
    }
    if (!batch_written(ec)) return;
  }
}

template <bool D>
void websocket_session<D>::on_write(beast::error_code ec, std::size_t) {
  if (batch_written(ec)) do_write();
}

template <bool D>
bool websocket_session<D>::batch_written(beast::error_code ec) {
  frame_batch::ptr batch = std::move(batch_);
  if (finished_) {  // finish() kept only the frames of the write that just ended
    queue_.clear();
    queued_bytes_ = 0;
    return false;
  }
  for (std::size_t i = 0; i < batch->frames(); ++i) {
    queued_bytes_ -= queue_.front().bytes->size();
    queue_.pop_front();
  }
  if (ec) {
    fail(ec, "ws write");
    drop_queued(0);
    close_socket();  // the pending read fails and finishes the session
    return false;
  }
  ctx_.stats.frames_out_total.fetch_add(batch->frames(), std::memory_order_relaxed);
  ctx_.stats.bytes_out_total.fetch_add(batch->payload_bytes(), std::memory_order_relaxed);
  if (closing_) {
    ws_.async_close(close_frame(),
                    beast::bind_front_handler(&websocket_session::on_close, this->shared_from_this()));
    return false;
  }
  if (!ws_.is_open()) {  // Beast is closing (the peer's close): no data may follow
    drop_queued(0);
    return false;
  }
  return true;
}

template <bool D>
void websocket_session<D>::drop_queued(std::size_t keep) {
  ctx_.stats.pushes_dropped_total.fetch_add(queue_.size() - keep, std::memory_order_relaxed);
  while (queue_.size() > keep) {
    queued_bytes_ -= queue_.back().bytes->size();
    queue_.pop_back();
  }
}

template <bool D>
void websocket_session<D>::close(close_reason reason) {
  net::post(ws_.get_executor(), [self = this->shared_from_this(), reason] { self->start_close(reason); });
}

template <bool D>
void websocket_session<D>::close(close_reason reason, const std::string& text) {
  net::post(ws_.get_executor(), [self = this->shared_from_this(), reason, text] {
    // RFC 6455: a close frame's payload is at most 125 bytes, 2 of them the code
    if (!text.empty() && !self->closing_ && !self->finished_)
      self->close_text_ = std::make_unique<std::string>(text.substr(0, 123));
    self->start_close(reason);
  });
}

template <bool D>
websocket::close_reason websocket_session<D>::close_frame() const {
  return websocket::close_reason(static_cast<websocket::close_code>(close_code(reason_)),
                                 close_text_ ? *close_text_ : to_string(reason_));
}

template <bool D>
void websocket_session<D>::start_close(close_reason reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  reason_ = reason;
  drop_queued(writing());  // keep only the frames being written; the rest will never be sent
  if (batch_) return;  // on_write starts the close
  ws_.async_close(close_frame(),
                  beast::bind_front_handler(&websocket_session::on_close, this->shared_from_this()));
}

template <bool D>
void websocket_session<D>::on_close(beast::error_code ec) {
  if (ec) fail(ec, "ws close");
  if (!reading_) finish(reason_);
}

template <bool D>
void websocket_session<D>::finish(close_reason reason) {
  if (finished_) return;
  finished_ = true;
  ctx_.stats.closes(reason).fetch_add(1, std::memory_order_relaxed);
  if (attached_) {
    log::gateway()->info("close conn={} remote={} reason={}", conn_id_, remote_, to_string(reason));
    auto open_for = std::chrono::duration<double>(std::chrono::steady_clock::now() - opened_).count();
    ctx_.closes.add({protocol::unix_millis(), conn_id_, remote_, reason, open_for});
  }
  reason_ = reason;
  // A write in flight still reads its frames: keep those until on_write.
  while (queue_.size() > writing()) queue_.pop_back();
  queued_bytes_ = 0;
  if (connection_) {
    caf::anon_send(connection_, closed_atom::value, static_cast<uint8_t>(reason));
    connection_ = nullptr;  // breaks the session <-> actor cycle
  }
  close_socket();
}

template <bool D>
void websocket_session<D>::close_socket() {
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).close(ignored);
}

// Without permessage-deflate Beast keeps no extension state in the stream (one allocator size
// class less per connection, ~0.4 KB measured); with it, Beast negotiates and inflates.
template class websocket_session<false>;
template class websocket_session<true>;

}  // namespace parley
