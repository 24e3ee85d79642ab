// asio_adapter: drives one hiredis async context from a Boost.Asio io_context.
//
// hiredis 0.14 ships adapters for libevent, libuv, ae and others, none for Asio. An adapter
// fills redisAsyncContext::ev with five hooks: hiredis calls addRead/addWrite when it wants
// to know that its socket is readable/writable, delRead/delWrite when it no longer does, and
// cleanup when the context goes. Here each "add" arms one async_wait on a stream_descriptor
// wrapping hiredis' socket; its completion calls redisAsyncHandleRead/Write and re-arms while
// hiredis still wants it. The descriptor never owns the socket (hiredis closes it), and
// waits that complete after cleanup find the adapter detached and do nothing.
//
// Everything runs on the io_context's one thread: hiredis is not thread-safe.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <hiredis/async.h>

namespace parley::redis {

class asio_adapter : public std::enable_shared_from_this<asio_adapter> {
 public:
  // Attaches to `ctx` (which must not have an adapter yet). The returned adapter lives until
  // hiredis calls cleanup and the last pending wait has completed.
  static std::shared_ptr<asio_adapter> attach(boost::asio::io_context& ioc, redisAsyncContext* ctx);

 private:
  asio_adapter(boost::asio::io_context& ioc, redisAsyncContext* ctx);
  void add(bool write);
  void del(bool write) { (write ? want_write_ : want_read_) = false; }
  void arm(bool write);
  void cleanup();

  static void on_add_read(void* p) { static_cast<asio_adapter*>(p)->add(false); }
  static void on_del_read(void* p) { static_cast<asio_adapter*>(p)->del(false); }
  static void on_add_write(void* p) { static_cast<asio_adapter*>(p)->add(true); }
  static void on_del_write(void* p) { static_cast<asio_adapter*>(p)->del(true); }
  static void on_cleanup(void* p) { static_cast<asio_adapter*>(p)->cleanup(); }

  redisAsyncContext* ctx_;
  boost::asio::posix::stream_descriptor socket_;
  std::shared_ptr<asio_adapter> self_;  // hiredis' reference, dropped at cleanup
  bool want_read_ = false, want_write_ = false;
  bool waiting_read_ = false, waiting_write_ = false;
};

}  // namespace parley::redis
