#include "actors/group/group_members.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(GroupMembers, DeliversToEveryMemberOnce) {
  group_members<int> g;
  bool changed = false;
  EXPECT_TRUE(g.add("alice", 1, changed));
  EXPECT_TRUE(changed);
  EXPECT_TRUE(g.add("bob", 2, changed));
  EXPECT_FALSE(g.add("alice", 1, changed));  // joining twice is a no-op
  EXPECT_FALSE(changed);
  std::vector<int> seen;
  g.for_each([&](int h) { seen.push_back(h); });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}

TEST(GroupMembers, RejoinWithANewHandleSurvivesTheOldHandlesRemoval) {
  group_members<int> g;
  bool changed = false;
  g.add("alice", 1, changed);
  EXPECT_FALSE(g.add("alice", 7, changed));  // a new user actor for alice
  EXPECT_TRUE(changed);
  EXPECT_EQ(g.remove_if([](int h) { return h == 1; }), 0u);  // the old actor's down_msg
  std::vector<int> seen;
  g.for_each([&](int h) { seen.push_back(h); });
  EXPECT_EQ(seen, std::vector<int>{7});
}

TEST(GroupMembers, LeaveAndHandleRemoval) {
  group_members<int> g;
  bool changed = false;
  g.add("alice", 1, changed);
  g.add("bob", 2, changed);
  g.add("carol", 3, changed);
  EXPECT_TRUE(g.remove("bob"));
  EXPECT_FALSE(g.remove("bob"));
  EXPECT_EQ(g.remove_if([](int h) { return h == 3; }), 1u);
  EXPECT_TRUE(g.contains("alice"));
  EXPECT_FALSE(g.contains("carol"));
  EXPECT_EQ(g.user_ids(), std::vector<std::string>{"alice"});
  g.remove("alice");
  EXPECT_TRUE(g.empty());
}

}  // namespace
}  // namespace parley
