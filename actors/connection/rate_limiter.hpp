// rate_limiter: the frames-per-connection limit, a token bucket. A connection may send `rate`
// frames per second on average and `burst` at once; a frame past that is refused (answered
// 1011, not run). Refusals are strikes: past `max_strikes` the connection is closed (1008),
// and a client that calms down is forgiven: once its bucket has filled up again, its strikes
// start over. rate 0 turns the limit off. Plain class, no CAF: unit-tested with a moved
// clock. 24 bytes per connection; burst and max_strikes are capped at 65,535.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace parley {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  enum class verdict : uint8_t { run, refuse, close };

  rate_limiter() = default;
  rate_limiter(uint32_t rate, uint32_t burst, uint32_t max_strikes, clock::time_point now)
      : tat_ns_(ns(now)), interval_ns_(rate ? 1'000'000'000u / std::min<uint32_t>(rate, 1'000'000'000u) : 0),
        burst_(static_cast<uint16_t>(std::clamp<uint32_t>(burst, 1, 65535))),
        max_strikes_(static_cast<uint16_t>(std::min<uint32_t>(max_strikes, 65535))) {}

  // The bucket as a theoretical arrival time (GCRA, integer only): each frame moves it one
  // interval on; a frame is allowed while it stays within `burst` intervals of now, and the
  // bucket is full again once it is not ahead of now.
  verdict take(clock::time_point now) {
    if (interval_ns_ == 0) return verdict::run;
    auto t = ns(now);
    if (tat_ns_ <= t) {
      tat_ns_ = t;
      strikes_ = 0;  // calmed down: forgiven
    }
    auto next = tat_ns_ + int64_t{interval_ns_};
    if (next - t <= int64_t{interval_ns_} * burst_) {
      tat_ns_ = next;
      return verdict::run;
    }
    if (strikes_ < 65535) ++strikes_;
    return strikes_ > max_strikes_ ? verdict::close : verdict::refuse;
  }

  uint32_t strikes() const { return strikes_; }
  // True when the bucket has refilled completely by `now` (or there is no limit).
  bool full(clock::time_point now) const { return interval_ns_ == 0 || tat_ns_ <= ns(now); }

 private:
  static int64_t ns(clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }
  int64_t tat_ns_ = 0;
  uint32_t interval_ns_ = 0;  // 1 s / rate; 0: no limit
  uint16_t burst_ = 1;        // frames; at most 65535
  uint16_t max_strikes_ = 0;
  uint16_t strikes_ = 0;
};

}  // namespace parley
