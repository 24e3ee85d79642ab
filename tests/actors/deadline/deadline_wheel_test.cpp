// deadline_buckets: the wheel's bookkeeping. A tick may come late by up to one resolution,
// never early, and every entry comes out exactly once.
#include <gtest/gtest.h>

#include "actors/deadline/deadline_wheel.hpp"

namespace parley {
namespace {

using clock = deadline_buckets::clock;
using std::chrono::milliseconds;

// `n` actors that do nothing: something for the buckets to hold addresses of.
std::vector<caf::actor> idle_actors(caf::actor_system& sys, int n) {
  std::vector<caf::actor> out;
  for (int i = 0; i < n; ++i) out.push_back(sys.spawn([] { return caf::behavior{[](int) {}}; }));
  return out;
}

TEST(DeadlineBuckets, NothingComesOutBeforeItsDeadline) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto a = sys.spawn([] { return caf::behavior{[](int) {}}; });
  auto b = sys.spawn([] { return caf::behavior{[](int) {}}; });
  deadline_buckets buckets(milliseconds(250));
  auto t0 = clock::time_point(milliseconds(10'000));
  buckets.add(t0 + milliseconds(100), a.address());  // bucket ending at t0 + 250 ms
  buckets.add(t0 + milliseconds(250), b.address());  // exactly on a boundary: same bucket
  EXPECT_EQ(buckets.size(), 2u);
  EXPECT_TRUE(buckets.take_due(t0).empty());
  EXPECT_TRUE(buckets.take_due(t0 + milliseconds(249)).empty());
  auto due = buckets.take_due(t0 + milliseconds(250));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0], a.address());
  EXPECT_EQ(due[1], b.address());
  EXPECT_EQ(buckets.size(), 0u);
  EXPECT_TRUE(buckets.take_due(t0 + milliseconds(10'000)).empty());  // out exactly once
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
}

TEST(DeadlineBuckets, LateTicksTakeEverythingOverdueInOrder) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto actors = idle_actors(sys, 5);
  deadline_buckets buckets(milliseconds(100));
  auto t0 = clock::time_point(milliseconds(5'000));
  for (int i = 0; i < 5; ++i)
    buckets.add(t0 + milliseconds(100 * (5 - i)), actors[i].address());  // added latest first
  auto due = buckets.take_due(t0 + milliseconds(350));  // a tick 350 ms late takes the first 3
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0], actors[4].address());
  EXPECT_EQ(due[2], actors[2].address());
  EXPECT_EQ(buckets.size(), 2u);
  for (auto& a : actors) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

TEST(DeadlineBuckets, RemoveDropsTheEntryAndAddingAgainMovesIt) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto actors = idle_actors(sys, 4);
  deadline_buckets buckets(milliseconds(100));
  auto t0 = clock::time_point(milliseconds(5'000));
  for (auto& a : actors) buckets.add(t0 + milliseconds(50), a.address());  // one bucket
  buckets.add(t0 + milliseconds(150), actors[3].address());  // moved to the next bucket
  EXPECT_EQ(buckets.size(), 4u);
  EXPECT_TRUE(buckets.remove(actors[0].address()));  // the bucket's last takes its slot
  EXPECT_FALSE(buckets.remove(actors[0].address()));
  auto due = buckets.take_due(t0 + milliseconds(100));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0], actors[2].address());
  EXPECT_EQ(due[1], actors[1].address());
  EXPECT_TRUE(buckets.remove(actors[3].address()));
  EXPECT_EQ(buckets.size(), 0u);
  EXPECT_TRUE(buckets.take_due(t0 + milliseconds(10'000)).empty());
  for (auto& a : actors) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace parley
