#include "actors/stats/command_stats.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>

#include "actors/stats/counting.hpp"

namespace parley {
namespace {

using namespace std::chrono_literals;

TEST(LatencyHistogram, BucketsArePowersOfTwoMicroseconds) {
  latency_histogram h;
  h.record(500ns);   // below 1 us: bucket 0
  h.record(1us);     // [1, 2): bucket 1
  h.record(3us);     // [2, 4): bucket 2
  h.record(1000us);  // [512, 1024): bucket 10
  h.record(100s);    // the open last bucket
  auto c = h.snapshot();
  EXPECT_EQ(c[0], 1u);
  EXPECT_EQ(c[1], 1u);
  EXPECT_EQ(c[2], 1u);
  EXPECT_EQ(c[10], 1u);
  EXPECT_EQ(c[latency_histogram::buckets - 1], 1u);
  EXPECT_EQ(h.sum_ns(), 500u + 1000u + 3000u + 1000000u + 100000000000u);
}

TEST(LatencyHistogram, QuantilesFallInsideTheirBucket) {
  latency_histogram h;
  for (int i = 0; i < 99; ++i) h.record(10us);  // [8, 16)
  h.record(5ms);                                // [4096, 8192)
  auto c = h.snapshot();
  auto p50 = latency_histogram::quantile_us(c, 0.5);
  EXPECT_GE(p50, 8);
  EXPECT_LE(p50, 16);
  auto p99 = latency_histogram::quantile_us(c, 0.99);
  EXPECT_LE(p99, 16);  // the 99th of 100 is still a 10 us one
  auto max = latency_histogram::quantile_us(c, 1.0);
  EXPECT_GE(max, 4096);
  EXPECT_LE(max, 8192);
  EXPECT_EQ(latency_histogram::quantile_us(latency_histogram::counts{}, 0.5), 0);
}

TEST(CommandStats, CountsErrorsApart) {
  command_stats s("sendGroup");
  s.record(10us, true);
  s.record(20us, false);
  EXPECT_EQ(s.count.load(), 2u);
  EXPECT_EQ(s.errors.load(), 1u);
}

TEST(Counting, EveryHandledMessageIsCountedAndTheReplyUnchanged) {
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  auto handled = std::make_shared<std::atomic<uint64_t>>(0);
  auto a = system.spawn([handled](caf::event_based_actor*) {
    return counting<caf::behavior>(
        handled.get(), [](int x) { return x * 2; }, [](const std::string& s) { return s + "!"; });
  });
  caf::scoped_actor self{system};
  self->request(a, caf::infinite, 21)
      .receive([](int r) { EXPECT_EQ(r, 42); }, [](caf::error&) { FAIL(); });
  self->request(a, caf::infinite, std::string("hi"))
      .receive([](const std::string& r) { EXPECT_EQ(r, "hi!"); }, [](caf::error&) { FAIL(); });
  EXPECT_EQ(handled->load(), 2u);
  self->send_exit(a, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace parley
