#include "actors/dedup/dedup_window.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

using namespace std::chrono_literals;

TEST(DedupWindow, RepeatWithinWindowIsCaught) {
  dedup_window w(300s);
  auto t = dedup_window::clock::now();
  EXPECT_TRUE(w.first_time("a/alice/m1", t));
  EXPECT_FALSE(w.first_time("a/alice/m1", t + 299s));
  EXPECT_TRUE(w.first_time("a/bob/m1", t + 1s));
}

TEST(DedupWindow, KeysExpireAfterTheWindow) {
  dedup_window w(300s);
  auto t = dedup_window::clock::now();
  EXPECT_TRUE(w.first_time("k", t));
  EXPECT_TRUE(w.first_time("k", t + 301s));
  EXPECT_EQ(w.size(), 1u);
}

TEST(DedupWindow, SizeIsBounded) {
  dedup_window w(300s, 100);
  auto t = dedup_window::clock::now();
  for (int i = 0; i < 1000; ++i) w.first_time("k" + std::to_string(i), t);
  EXPECT_LE(w.size(), 100u);
  EXPECT_FALSE(w.first_time("k999", t));  // the newest are kept
}

}  // namespace
}  // namespace parley
