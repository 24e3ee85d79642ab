#include "cluster/redis/redis_client.hpp"

#include <random>

#include <boost/asio/post.hpp>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "cluster/redis/asio_adapter.hpp"
#include "config/logging.hpp"

namespace parley::redis {
namespace {

value convert(const redisReply* r) {
  if (!r) return value::failure("connection lost");
  value v;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      v.type = value::kind::integer;
      v.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      v.type = value::kind::string;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      v.type = value::kind::status;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      v.type = value::kind::error;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      v.type = value::kind::array;
      v.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) v.elements.push_back(convert(r->element[i]));
      break;
    default: break;  // nil
  }
  return v;
}

std::chrono::milliseconds backoff(uint32_t attempt) {
  // 100 ms doubling to 2 s, each with +-50 % jitter so that nodes do not reconnect in step.
  static thread_local std::mt19937 rng{std::random_device{}()};
  auto base = std::min<uint32_t>(2000, 100u << std::min<uint32_t>(attempt, 5));
  std::uniform_int_distribution<uint32_t> jitter(base / 2, base + base / 2);
  return std::chrono::milliseconds(jitter(rng));
}

}  // namespace

struct client::pending {
  client* owner;
  reply_fn fn;
};

client::client(boost::asio::io_context& ioc, std::string host, uint16_t port,
               std::chrono::milliseconds command_timeout)
    : ioc_(ioc), host_(std::move(host)), port_(port),
      address_(host_ + ":" + std::to_string(port_)), timeout_(command_timeout),
      cmd_retry_(ioc), sub_retry_(ioc), watchdog_(ioc) {}

client::~client() = default;

void client::start(state_fn on_state) {
  boost::asio::post(ioc_, [self = shared_from_this(), on_state = std::move(on_state)]() mutable {
    self->on_state_ = std::move(on_state);
    self->connect_commands();
    if (!self->channels_.empty()) self->connect_subscriber();
    self->watchdog();
  });
}

void client::stop() {
  boost::asio::post(ioc_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->cmd_retry_.cancel();
    self->sub_retry_.cancel();
    self->watchdog_.cancel();
    // The command connection is disconnected, which writes what is queued (a node leaving
    // the registry) and waits for those replies; one not connected yet is freed.
    if (self->cmd_) {
      auto* c = self->cmd_;
      if (self->cmd_ready_) {
        self->cmd_ready_ = false;
        redisAsyncDisconnect(c);
      } else {
        self->cmd_ = nullptr;
        redisAsyncFree(c);
      }
    }
    if (self->sub_) {
      auto* c = self->sub_;
      self->sub_ = nullptr;
      redisAsyncFree(c);
    }
    self->up_ = false;
  });
}

void client::subscribe(std::string channel, message_fn on_message) {
  channels_.emplace_back(std::move(channel), std::move(on_message));
}

void client::command(std::vector<std::string> args, reply_fn on_reply) {
  boost::asio::post(ioc_, [self = shared_from_this(), args = std::move(args),
                           fn = std::move(on_reply)]() mutable {
    if (!self->cmd_ready_) {
      fn(value::failure("redis " + self->address_ + " is down"));
      return;
    }
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* p = new pending{self.get(), std::move(fn)};
    int rc = redisAsyncCommandArgv(
        self->cmd_,
        [](redisAsyncContext*, void* r, void* privdata) {
          std::unique_ptr<pending> p(static_cast<pending*>(privdata));
          auto& sent = p->owner->sent_;
          if (!sent.empty()) sent.pop_front();
          p->fn(convert(static_cast<redisReply*>(r)));
        },
        p, static_cast<int>(args.size()), argv.data(), lens.data());
    if (rc != REDIS_OK) {
      std::unique_ptr<pending> owned(p);
      owned->fn(value::failure("redis " + self->address_ + " refused the command"));
      return;
    }
    self->sent_.push_back(std::chrono::steady_clock::now());
    self->commands_.fetch_add(1, std::memory_order_relaxed);
  });
}

// A new context to the server with this client's callbacks, or null (then retried later).
redisAsyncContext* client::open_context() {
  auto* c = redisAsyncConnect(host_.c_str(), port_);
  if (!c || c->err) {
    lost(c ? c->errstr : "out of memory");
    if (c) redisAsyncFree(c);
    return nullptr;
  }
  c->data = this;
  asio_adapter::attach(ioc_, c);
  redisAsyncSetConnectCallback(c, [](const redisAsyncContext* c, int status) {
    static_cast<client*>(c->data)->on_connected(const_cast<redisAsyncContext*>(c), status);
  });
  redisAsyncSetDisconnectCallback(c, [](const redisAsyncContext* c, int status) {
    static_cast<client*>(c->data)->on_disconnected(const_cast<redisAsyncContext*>(c), status);
  });
  return c;
}

void client::connect_commands() {
  if (stopping_) return;
  cmd_ = open_context();
  if (!cmd_) schedule(cmd_retry_, cmd_attempt_, &client::connect_commands);
}

void client::connect_subscriber() {
  if (stopping_) return;
  auto* c = open_context();
  if (!c) {
    schedule(sub_retry_, sub_attempt_, &client::connect_subscriber);
    return;
  }
  sub_ = c;
  for (size_t i = 0; i < channels_.size(); ++i) {
    const auto& channel = channels_[i].first;
    const char* argv[] = {"SUBSCRIBE", channel.c_str()};
    size_t lens[] = {9, channel.size()};
    redisAsyncCommandArgv(
        c,
        [](redisAsyncContext* c, void* r, void* privdata) {
          auto* reply = static_cast<redisReply*>(r);
          auto* self = static_cast<client*>(c->data);
          auto index = reinterpret_cast<uintptr_t>(privdata);
          if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) return;
          std::string kind(reply->element[0]->str, reply->element[0]->len);
          auto& [channel, fn] = self->channels_[index];
          if (kind == "subscribe") {
            fn("", "");  // (re)subscribed: anything published while away was missed
          } else if (kind == "message" && reply->element[2]->type == REDIS_REPLY_STRING) {
            fn(channel, std::string(reply->element[2]->str, reply->element[2]->len));
          }
        },
        reinterpret_cast<void*>(static_cast<uintptr_t>(i)), 2, argv, lens);
  }
}

void client::on_connected(redisAsyncContext* c, int status) {
  bool is_cmd = c == cmd_;
  if (status != REDIS_OK) {
    // hiredis frees the context after this callback.
    if (is_cmd) {
      cmd_ = nullptr;
      lost(c->errstr);
      schedule(cmd_retry_, cmd_attempt_, &client::connect_commands);
    } else {
      sub_ = nullptr;
      schedule(sub_retry_, sub_attempt_, &client::connect_subscriber);
    }
    return;
  }
  if (!is_cmd) {
    sub_attempt_ = 0;
    return;
  }
  cmd_attempt_ = 0;
  cmd_ready_ = true;
  up_ = true;
  lost_logged_ = false;
  log::cluster()->info("redis {} connected", address_);
  if (on_state_) on_state_(true);
}

void client::on_disconnected(redisAsyncContext* c, int status) {
  // Pending callbacks have run (with null replies); hiredis frees the context after this.
  if (c == cmd_) {
    cmd_ = nullptr;
    cmd_ready_ = false;
    sent_.clear();
    bool was_up = up_.exchange(false);
    if (was_up) {
      disconnects_.fetch_add(1, std::memory_order_relaxed);
      lost(c->errstr[0] ? c->errstr : "connection closed");
      if (on_state_) on_state_(false);
    }
    schedule(cmd_retry_, cmd_attempt_, &client::connect_commands);
  } else if (c == sub_) {
    sub_ = nullptr;
    schedule(sub_retry_, sub_attempt_, &client::connect_subscriber);
  }
}

void client::lost(const char* why) {
  if (lost_logged_ || stopping_) return;  // one line per outage, not one per retry
  lost_logged_ = true;
  log::cluster()->warn("redis {} unavailable: {}; retrying with back-off", address_, why);
}

void client::schedule(boost::asio::steady_timer& timer, uint32_t& attempt, void (client::*what)()) {
  if (stopping_) return;
  timer.expires_after(backoff(attempt++));
  timer.async_wait([self = shared_from_this(), what](const boost::system::error_code& ec) {
    if (!ec) ((*self).*what)();
  });
}

void client::watchdog() {
  if (stopping_) return;
  if (cmd_ready_ && !sent_.empty() && std::chrono::steady_clock::now() - sent_.front() > timeout_) {
    log::cluster()->warn("redis {} has not answered for {} ms: dropping the connection", address_,
                         timeout_.count());
    cmd_ready_ = false;
    redisAsyncFree(cmd_);  // answers what waits with failures; the disconnect callback reconnects
  }
  watchdog_.expires_after(std::chrono::milliseconds(250));
  watchdog_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->watchdog();
  });
}

}  // namespace parley::redis
