#include "gateway/keepalive.hpp"

#include <vector>

#include <boost/asio/strand.hpp>

namespace parley {

keepalive::keepalive(boost::asio::io_context& ioc, std::chrono::milliseconds tick)
    : timer_(std::make_unique<boost::asio::steady_timer>(boost::asio::make_strand(ioc))),
      tick_(tick) {}

keepalive::~keepalive() {
  std::lock_guard<std::mutex> guard(mutex_);
  members_.clear();  // unlinks (safe_link): a late remove() is then a no-op
}

void keepalive::start() { arm(); }

void keepalive::stop() { timer_.reset(); }

void keepalive::arm() {
  timer_->expires_after(tick_);
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    sweep();
    arm();
  });
}

void keepalive::add(member& m) {
  touch(m);
  std::lock_guard<std::mutex> guard(mutex_);
  members_.push_back(m);
}

void keepalive::remove(member& m) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (m.is_linked()) members_.erase(members_.iterator_to(m));
}

std::size_t keepalive::sweep() {
  auto now = now_.fetch_add(1, std::memory_order_relaxed) + 1;
  std::vector<std::shared_ptr<member>> quiet;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    for (auto& m : members_) {
      if (now - m.last_tick_.load(std::memory_order_relaxed) < 3) continue;
      if (auto pinned = m.pin()) quiet.push_back(std::move(pinned));
    }
  }
  for (auto& m : quiet) m->quiet();
  return quiet.size();
}

}  // namespace parley
