#include "actors/dedup/dedup_window.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

using namespace std::chrono_literals;

TEST(DedupWindow, RepeatWithinWindowReplaysTheFirstResult) {
  dedup_window w(300s);
  auto t = dedup_window::clock::now();
  EXPECT_EQ(w.find("101/alice", "m1", t), nullptr);
  w.record("101/alice", "m1", R"({"delivered":true})", t);
  auto replay = w.find("101/alice", "m1", t + 299s);
  ASSERT_NE(replay, nullptr);
  EXPECT_EQ(*replay, R"({"delivered":true})");
  EXPECT_EQ(w.find("101/bob", "m1", t + 1s), nullptr);  // scoped per sender
}

TEST(DedupWindow, OnlyRecordedSendsAreDuplicates) {
  dedup_window w(300s);
  auto t = dedup_window::clock::now();
  EXPECT_EQ(w.find("s", "m1", t), nullptr);  // looked up, refused, never recorded
  EXPECT_EQ(w.find("s", "m1", t + 1s), nullptr);
  EXPECT_EQ(w.size(), 0u);
}

TEST(DedupWindow, KeysExpireAfterTheWindow) {
  dedup_window w(300s);
  auto t = dedup_window::clock::now();
  w.record("s", "k", "{}", t);
  EXPECT_EQ(w.find("s", "k", t + 301s), nullptr);
  EXPECT_EQ(w.size(), 0u);
  EXPECT_EQ(w.bytes(), 0u);
}

TEST(DedupWindow, OneSenderCannotEvictTheOthers) {
  dedup_window w(300s, 100);
  auto t = dedup_window::clock::now();
  w.record("101/quiet", "q1", "{}", t);
  for (int i = 0; i < 10000; ++i) w.record("101/noisy", "n" + std::to_string(i), "{}", t);
  EXPECT_NE(w.find("101/quiet", "q1", t), nullptr);
  EXPECT_EQ(w.size(), 101u);
  EXPECT_NE(w.find("101/noisy", "n9999", t), nullptr);  // the newest are kept
  EXPECT_EQ(w.find("101/noisy", "n0", t), nullptr);
}

TEST(DedupWindow, BytesAreBounded) {
  const size_t limit = 64 * 1024;
  dedup_window w(300s, 1000000, limit);
  auto t = dedup_window::clock::now();
  std::string result(500, 'x');
  for (int i = 0; i < 5000; ++i) w.record("s" + std::to_string(i % 50), std::to_string(i), result, t);
  EXPECT_LE(w.bytes(), limit);
  EXPECT_GT(w.size(), 0u);
  EXPECT_GT(w.bytes() + dedup_window::entry_bytes("s00", "0000", result), limit);  // full, not emptied
  EXPECT_NE(w.find("s49", "4999", t), nullptr);
}

TEST(DedupWindow, ZeroWindowRecordsNothing) {
  dedup_window w(0s);
  auto t = dedup_window::clock::now();
  w.record("s", "m", "{}", t);
  EXPECT_EQ(w.find("s", "m", t), nullptr);
}

}  // namespace
}  // namespace parley
