#include "cluster/redis/asio_adapter.hpp"

namespace parley::redis {

std::shared_ptr<asio_adapter> asio_adapter::attach(boost::asio::io_context& ioc,
                                                   redisAsyncContext* ctx) {
  std::shared_ptr<asio_adapter> a(new asio_adapter(ioc, ctx));
  a->self_ = a;
  ctx->ev.data = a.get();
  ctx->ev.addRead = &asio_adapter::on_add_read;
  ctx->ev.delRead = &asio_adapter::on_del_read;
  ctx->ev.addWrite = &asio_adapter::on_add_write;
  ctx->ev.delWrite = &asio_adapter::on_del_write;
  ctx->ev.cleanup = &asio_adapter::on_cleanup;
  return a;
}

asio_adapter::asio_adapter(boost::asio::io_context& ioc, redisAsyncContext* ctx)
    : ctx_(ctx), socket_(ioc, ctx->c.fd) {}

void asio_adapter::add(bool write) {
  (write ? want_write_ : want_read_) = true;
  arm(write);
}

void asio_adapter::arm(bool write) {
  bool& waiting = write ? waiting_write_ : waiting_read_;
  if (waiting || !ctx_) return;
  waiting = true;
  auto type = write ? boost::asio::posix::stream_descriptor::wait_write
                    : boost::asio::posix::stream_descriptor::wait_read;
  socket_.async_wait(type, [self = shared_from_this(), write](const boost::system::error_code& ec) {
    (write ? self->waiting_write_ : self->waiting_read_) = false;
    if (ec || !self->ctx_) return;  // cancelled at cleanup, or detached
    bool& want = write ? self->want_write_ : self->want_read_;
    if (!want) return;
    // These may free the context (a disconnect calls cleanup first): re-arm only if still
    // attached and still wanted.
    if (write)
      redisAsyncHandleWrite(self->ctx_);
    else
      redisAsyncHandleRead(self->ctx_);
    if (self->ctx_ && want) self->arm(write);
  });
}

void asio_adapter::cleanup() {
  ctx_ = nullptr;
  want_read_ = want_write_ = false;
  boost::system::error_code ignored;
  socket_.cancel(ignored);
  socket_.release();  // hiredis closes the descriptor itself
  self_.reset();      // pending waits still hold the adapter until they complete
}

}  // namespace parley::redis
