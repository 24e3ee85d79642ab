// keepalive: WebSocket pings on quiet sockets for the whole node, with one timer.
//
// Beast's own keep-alive (stream_base::timeout with idle_timeout and keep_alive_pings) arms a
// timer in every stream and re-arms it on every read: each idle connection keeps a pending
// wait operation (~220 bytes), and each frame read cancels a wait (whose handler then runs
// with operation_aborted) and allocates a new one. Here one timer ticks every
// ping_interval / 2. A member notes the tick of its last sign of life (touch(): a frame or a
// control frame read, or a read started) in an atomic. Each tick walks the members and calls
// quiet() only on those silent for at least three ticks; the member then decides on its own
// strand (websocket_session pings after ping_interval of silence and drops the socket after
// twice that, give or take half an interval). An active socket costs one relaxed store per
// read and nothing per tick.
//
// Members link themselves in (add) and must unlink (remove) before they are destroyed. The
// walk holds the same lock only to pick the quiet members and take a strong reference to
// each (pin()); quiet() runs after the lock is released, so a sweep over a million sockets
// never keeps an I/O thread that is destroying a session waiting for all of its posts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

namespace parley {

class keepalive {
 public:
  class member : public boost::intrusive::list_base_hook<
                     boost::intrusive::link_mode<boost::intrusive::safe_link>> {
   public:
    virtual ~member() = default;
    // A strong reference that keeps the member alive, or null if it is being destroyed.
    // Called under the keepalive's lock: must not block or call back into the keepalive.
    virtual std::shared_ptr<member> pin() = 0;
    // Called on the ticking thread, without the lock, for a member pinned because it has
    // been silent for at least three ticks.
    virtual void quiet() = 0;

   private:
    friend class keepalive;
    std::atomic<uint32_t> last_tick_{0};
  };

  keepalive(boost::asio::io_context& ioc, std::chrono::milliseconds tick);
  ~keepalive();
  keepalive(const keepalive&) = delete;
  keepalive& operator=(const keepalive&) = delete;

  // Starts ticking. stop() destroys the timer: call it when no thread runs the io_context
  // any more (node_runtime::shutdown), as the timer must go before its io_context.
  void start();
  void stop();

  void add(member& m);
  void remove(member& m);  // no-op if `m` is not linked
  void touch(member& m) const { m.last_tick_.store(now(), std::memory_order_relaxed); }
  // Ticks since `m` was last touched.
  uint32_t silence(const member& m) const {
    return now() - m.last_tick_.load(std::memory_order_relaxed);
  }

  // Advances the clock by one tick and calls quiet() on every member silent for >= 3 ticks;
  // returns how many. The timer calls it; tests may too.
  std::size_t sweep();

 private:
  void arm();
  uint32_t now() const { return now_.load(std::memory_order_relaxed); }

  std::unique_ptr<boost::asio::steady_timer> timer_;  // on a strand of its own
  std::chrono::milliseconds tick_;
  std::atomic<uint32_t> now_{0};
  std::mutex mutex_;
  boost::intrusive::list<member, boost::intrusive::constant_time_size<false>> members_;
};

}  // namespace parley
