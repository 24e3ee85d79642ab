// rate_limiter: the token bucket behind max frames per second per connection.
#include "actors/connection/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

using namespace std::chrono_literals;
using verdict = rate_limiter::verdict;

TEST(RateLimiter, ABurstPassesThenTheRateHolds) {
  auto t = rate_limiter::clock::now();
  rate_limiter limit(10, 5, 100, t);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limit.take(t), verdict::run) << i;
  EXPECT_EQ(limit.take(t), verdict::refuse);
  t += 100ms;  // one token back at 10/s
  EXPECT_EQ(limit.take(t), verdict::run);
  EXPECT_EQ(limit.take(t), verdict::refuse);
  // Over 10 s at 10/s: 100 frames, no more, however many are tried.
  int ran = 0;
  for (int i = 0; i < 10000; ++i) {
    t += 1ms;
    if (limit.take(t) == verdict::run) ++ran;
  }
  EXPECT_GE(ran, 99);
  EXPECT_LE(ran, 101);
}

TEST(RateLimiter, RepeatedViolationCloses) {
  auto t = rate_limiter::clock::now();
  rate_limiter limit(10, 2, 3, t);
  limit.take(t);
  limit.take(t);
  EXPECT_EQ(limit.take(t), verdict::refuse);
  EXPECT_EQ(limit.take(t), verdict::refuse);
  EXPECT_EQ(limit.take(t), verdict::refuse);
  EXPECT_EQ(limit.take(t), verdict::close);  // the fourth strike
}

TEST(RateLimiter, AClientThatCalmsDownIsForgiven) {
  auto t = rate_limiter::clock::now();
  rate_limiter limit(10, 2, 3, t);
  limit.take(t);
  limit.take(t);
  EXPECT_EQ(limit.take(t), verdict::refuse);
  EXPECT_EQ(limit.take(t), verdict::refuse);
  EXPECT_EQ(limit.strikes(), 2u);
  t += 1s;  // the bucket fills again
  EXPECT_EQ(limit.take(t), verdict::run);
  EXPECT_EQ(limit.strikes(), 0u);
}

TEST(RateLimiter, RateZeroIsOff) {
  auto t = rate_limiter::clock::now();
  rate_limiter limit(0, 1, 0, t);
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(limit.take(t), verdict::run);
}

}  // namespace
}  // namespace parley
