// command_stats: per command (one per behaviour): how many ran, how many were answered with an
// error code, and a latency histogram, recorded where a command is handed to its behaviour
// and answered (connection_actor for WebSocket frames, run_command for HTTP and gRPC).
//
// The histogram has power-of-two buckets in microseconds: bucket i counts latencies below
// 2^i us (the first below 1 us, the last everything from 2^(buckets-2) us on, ~4 s). A record
// is two relaxed atomic increments and one add; quantiles are read from the bucket counts,
// interpolated inside the bucket (so p99 is exact to within a factor of two at worst, much
// closer in practice). /metrics exports the buckets as a Prometheus histogram.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace parley {

class latency_histogram {
 public:
  static constexpr size_t buckets = 24;
  using counts = std::array<uint64_t, buckets>;

  void record(std::chrono::nanoseconds d) {
    auto us = static_cast<uint64_t>(d.count() / 1000);
    size_t i = 0;
    while (i + 1 < buckets && us >= (uint64_t{1} << i)) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<uint64_t>(d.count()), std::memory_order_relaxed);
  }

  counts snapshot() const {
    counts out{};
    for (size_t i = 0; i < buckets; ++i) out[i] = counts_[i].load(std::memory_order_relaxed);
    return out;
  }
  uint64_t sum_ns() const { return sum_ns_.load(std::memory_order_relaxed); }

  // The upper bound of bucket i in microseconds (the last one is open: its lower bound x 2).
  static double upper_us(size_t i) { return static_cast<double>(uint64_t{1} << i); }

  // The q-quantile (0 < q <= 1) of `c` in microseconds, 0 when empty.
  static double quantile_us(const counts& c, double q) {
    uint64_t total = 0;
    for (auto n : c) total += n;
    if (total == 0) return 0;
    double rank = q * static_cast<double>(total);
    uint64_t below = 0;
    for (size_t i = 0; i < buckets; ++i) {
      if (c[i] == 0) continue;
      if (static_cast<double>(below + c[i]) >= rank) {
        double lo = i == 0 ? 0 : upper_us(i - 1);
        double hi = upper_us(i);
        double within = (rank - static_cast<double>(below)) / static_cast<double>(c[i]);
        return lo + (hi - lo) * within;
      }
      below += c[i];
    }
    return upper_us(buckets - 1);
  }

 private:
  std::array<std::atomic<uint64_t>, buckets> counts_{};
  std::atomic<uint64_t> sum_ns_{0};
};

struct command_stats {
  explicit command_stats(std::string name) : cmd(std::move(name)) {}
  const std::string cmd;
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> errors{0};  // answered with a code other than 200
  latency_histogram latency;

  void record(std::chrono::nanoseconds d, bool ok) {
    count.fetch_add(1, std::memory_order_relaxed);
    if (!ok) errors.fetch_add(1, std::memory_order_relaxed);
    latency.record(d);
  }
};

}  // namespace parley
