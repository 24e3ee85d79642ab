// redis_client: one Redis server, spoken to through hiredis' async API on an Asio io_context
// (asio_adapter.hpp). Commands are pipelined: each is appended to hiredis' output buffer and
// everything queued within one I/O turn goes out in one write, so a login storm costs a few
// writes, not one round trip per login.
//
// Connection loss is a normal event: it is counted, logged once, and every command waiting
// for an answer is answered with a failure (value::failed()); then the client reconnects with
// jittered back-off until it is stopped. A command issued while the connection is down fails
// at once instead of queueing without bound: the caller (the cluster actor) keeps what it
// owns and writes it again when the client reports `up` (see cluster_actor.hpp). A server that
// stops answering (SIGSTOP, a partition) is treated as lost after command_timeout.
//
// Pub/sub runs on a second connection (a subscribed connection takes no other commands).
// After that connection comes back, subscribers get a call with an empty channel: messages
// may have been missed meanwhile.
//
// Thread-safety: command(), subscribe(), start() and stop() may be called from any thread;
// every callback runs on the io_context's thread, which must be a single thread.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cluster/redis/redis_value.hpp"

struct redisAsyncContext;

namespace parley::redis {

class client : public std::enable_shared_from_this<client> {
 public:
  using reply_fn = std::function<void(value)>;
  using message_fn = std::function<void(const std::string& channel, const std::string& payload)>;
  using state_fn = std::function<void(bool up)>;

  client(boost::asio::io_context& ioc, std::string host, uint16_t port,
         std::chrono::milliseconds command_timeout = std::chrono::milliseconds(3000));
  ~client();

  // Connects (and reconnects, until stop()). `on_state` is called with true each time the
  // command connection is up, false each time it is lost.
  void start(state_fn on_state);
  void stop();

  void command(std::vector<std::string> args, reply_fn on_reply);
  // Subscribes `channel` on the pub/sub connection; kept across reconnects. Call before start.
  void subscribe(std::string channel, message_fn on_message);

  bool up() const { return up_.load(std::memory_order_relaxed); }
  uint64_t disconnects() const { return disconnects_.load(std::memory_order_relaxed); }
  uint64_t commands() const { return commands_.load(std::memory_order_relaxed); }
  const std::string& address() const { return address_; }

 private:
  struct pending;  // one command waiting for its reply
  redisAsyncContext* open_context();
  void connect_commands();
  void connect_subscriber();
  void on_connected(redisAsyncContext* c, int status);
  void on_disconnected(redisAsyncContext* c, int status);
  void schedule(boost::asio::steady_timer& timer, uint32_t& attempt, void (client::*what)());
  void watchdog();
  void lost(const char* why);

  boost::asio::io_context& ioc_;
  std::string host_;
  uint16_t port_;
  std::string address_;
  std::chrono::milliseconds timeout_;
  state_fn on_state_;
  std::vector<std::pair<std::string, message_fn>> channels_;
  redisAsyncContext* cmd_ = nullptr;  // non-null from connect until its disconnect callback
  redisAsyncContext* sub_ = nullptr;
  bool cmd_ready_ = false;
  bool stopping_ = false;
  bool lost_logged_ = false;
  std::deque<std::chrono::steady_clock::time_point> sent_;  // replies come back in order
  boost::asio::steady_timer cmd_retry_, sub_retry_, watchdog_;
  uint32_t cmd_attempt_ = 0, sub_attempt_ = 0;
  std::atomic<bool> up_{false};
  std::atomic<uint64_t> disconnects_{0};
  std::atomic<uint64_t> commands_{0};
};

using client_ptr = std::shared_ptr<client>;

}  // namespace parley::redis
