// address_limits: the per-address caps at the WebSocket upgrade, the defence against one
// address holding many anonymous sockets and against reconnect storms. Per client IP (the
// socket's peer; behind a proxy that is the proxy, see docs/security.md):
//   - connections upgraded and not yet logged in: at most max_anonymous_per_address;
//   - upgrades per second: upgrades_per_address_per_second on average, as many at once
//     (rate_limiter, the same token bucket as the frame limit).
// Past either the upgrade is answered 429. Thread-safe (one mutex; an upgrade is rare next to
// a frame). Memory: one hash entry (~80 bytes) per address seen recently; entries that hold
// nothing and whose bucket has refilled are swept once the table has doubled since the last
// sweep, so the cost stays O(1) amortised per upgrade. 0 turns a cap off.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "actors/connection/rate_limiter.hpp"

namespace parley {

class address_limits {
 public:
  using clock = rate_limiter::clock;
  enum class verdict : uint8_t { admit, too_many_anonymous, too_many_upgrades };

  address_limits() = default;
  address_limits(uint32_t max_anonymous, uint32_t upgrades_per_second)
      : max_anonymous_(max_anonymous), upgrades_per_second_(upgrades_per_second) {}
  // Before the first upgrade (the gateway context is built before its config is read).
  void configure(uint32_t max_anonymous, uint32_t upgrades_per_second) {
    std::lock_guard<std::mutex> guard(mutex_);
    max_anonymous_ = max_anonymous;
    upgrades_per_second_ = upgrades_per_second;
  }

  // On admit the address holds one more anonymous connection: call settled() once for it
  // (logged in, or closed before).
  verdict admit(const std::string& address, clock::time_point now) {
    if (max_anonymous_ == 0 && upgrades_per_second_ == 0) return verdict::admit;
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = entries_.find(address);
    if (it == entries_.end()) {
      if (entries_.size() >= 2 * swept_size_ + 1024) sweep(now);
      it = entries_.emplace(address, entry{0, rate_limiter(upgrades_per_second_, upgrades_per_second_, 65535, now)}).first;
    }
    auto& e = it->second;
    if (max_anonymous_ != 0 && e.anonymous >= max_anonymous_) return verdict::too_many_anonymous;
    if (e.upgrades.take(now) != rate_limiter::verdict::run) return verdict::too_many_upgrades;
    ++e.anonymous;
    return verdict::admit;
  }

  void settled(const std::string& address) {
    if (max_anonymous_ == 0 && upgrades_per_second_ == 0) return;
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = entries_.find(address);
    if (it != entries_.end() && it->second.anonymous > 0) --it->second.anonymous;
  }

  uint32_t anonymous(const std::string& address) const {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = entries_.find(address);
    return it == entries_.end() ? 0 : it->second.anonymous;
  }
  size_t addresses() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return entries_.size();
  }

 private:
  struct entry {
    uint32_t anonymous;
    rate_limiter upgrades;
  };

  void sweep(clock::time_point now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.anonymous == 0 && it->second.upgrades.full(now))
        it = entries_.erase(it);
      else
        ++it;
    }
    swept_size_ = entries_.size();
  }

  uint32_t max_anonymous_ = 0;
  uint32_t upgrades_per_second_ = 0;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
  size_t swept_size_ = 0;
};

}  // namespace parley
