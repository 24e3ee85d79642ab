// address_limits: anonymous connections and upgrades per second, per client address.
#include "gateway/address_limits.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

using namespace std::chrono_literals;
using verdict = address_limits::verdict;

TEST(AddressLimits, AnonymousConnectionsAreCappedPerAddress) {
  address_limits limits(3, 0);
  auto t = address_limits::clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limits.admit("10.0.0.1", t), verdict::admit);
  EXPECT_EQ(limits.admit("10.0.0.1", t), verdict::too_many_anonymous);
  EXPECT_EQ(limits.admit("10.0.0.2", t), verdict::admit);  // another address is not affected
  limits.settled("10.0.0.1");                              // one logged in
  EXPECT_EQ(limits.admit("10.0.0.1", t), verdict::admit);
  EXPECT_EQ(limits.anonymous("10.0.0.1"), 3u);
}

TEST(AddressLimits, UpgradesPerSecondAreCappedPerAddress) {
  address_limits limits(0, 10);
  auto t = address_limits::clock::now();
  int admitted = 0;
  for (int i = 0; i < 1000; ++i) admitted += limits.admit("10.0.0.1", t) == verdict::admit;
  EXPECT_EQ(admitted, 10);  // the burst, then nothing within the same instant
  EXPECT_EQ(limits.admit("10.0.0.1", t + 100ms), verdict::admit);  // one more per 100 ms
  EXPECT_EQ(limits.admit("10.0.0.1", t + 100ms), verdict::too_many_upgrades);
  EXPECT_EQ(limits.admit("10.0.0.3", t), verdict::admit);
}

TEST(AddressLimits, IdleAddressesAreSweptAway) {
  address_limits limits(100, 100);
  auto t = address_limits::clock::now();
  for (int i = 0; i < 5000; ++i) {
    auto a = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    ASSERT_EQ(limits.admit(a, t), verdict::admit);
    limits.settled(a);
  }
  // Refilled and holding nothing: swept as the table grows, so it stays bounded.
  for (int i = 0; i < 5000; ++i)
    limits.admit("10.2." + std::to_string(i / 250) + "." + std::to_string(i % 250), t + 10s);
  EXPECT_LT(limits.addresses(), 8000u);
}

TEST(AddressLimits, ZeroTurnsBothOff) {
  address_limits limits(0, 0);
  auto t = address_limits::clock::now();
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(limits.admit("10.0.0.1", t), verdict::admit);
  EXPECT_EQ(limits.addresses(), 0u);
}

}  // namespace
}  // namespace parley
