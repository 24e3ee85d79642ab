#include "actors/group/group_members.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace parley {
namespace {

using members = group_members<int, int>;  // handle and key are the same int here

TEST(GroupMembers, DeliversToEveryMemberOnce) {
  members g;
  auto r = g.add("alice", 1, 1);
  EXPECT_TRUE(r.added);
  EXPECT_TRUE(r.key_changed);
  EXPECT_TRUE(g.add("bob", 2, 2).added);
  r = g.add("alice", 1, 1);  // joining twice is a no-op
  EXPECT_FALSE(r.added);
  EXPECT_FALSE(r.key_changed);
  std::vector<int> seen;
  g.for_each([&](int h) { seen.push_back(h); });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}

TEST(GroupMembers, RejoinWithANewHandleSurvivesTheOldHandlesRemoval) {
  members g;
  g.add("alice", 1, 1);
  auto r = g.add("alice", 7, 7);  // a new user actor for alice
  EXPECT_FALSE(r.added);
  EXPECT_TRUE(r.key_changed);
  EXPECT_EQ(r.replaced, 1);
  EXPECT_FALSE(g.remove_key(1));  // the old actor's down_msg
  std::vector<int> seen;
  g.for_each([&](int h) { seen.push_back(h); });
  EXPECT_EQ(seen, std::vector<int>{7});
  EXPECT_EQ(g.keys(), 1u);
}

TEST(GroupMembers, LeaveAndKeyRemoval) {
  members g;
  g.add("alice", 1, 1);
  g.add("bob", 2, 2);
  g.add("carol", 3, 3);
  EXPECT_EQ(g.remove("bob"), 2);
  EXPECT_FALSE(g.remove("bob"));
  EXPECT_TRUE(g.remove_key(3));
  EXPECT_TRUE(g.contains("alice"));
  EXPECT_FALSE(g.contains("carol"));
  EXPECT_EQ(g.user_ids(), std::vector<std::string>{"alice"});
  g.remove("alice");
  EXPECT_TRUE(g.empty());
  EXPECT_EQ(g.keys(), 0u);
}

TEST(GroupMembers, MassRemovalByKeyEmptiesTheGroup) {
  members g;
  for (int i = 0; i < 20000; ++i) g.add("u" + std::to_string(i), i, i);
  for (int i = 0; i < 20000; ++i) ASSERT_TRUE(g.remove_key(i));
  EXPECT_TRUE(g.empty());
  EXPECT_EQ(g.keys(), 0u);
}

}  // namespace
}  // namespace parley
