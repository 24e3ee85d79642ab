// membership_store: the groups of each user past their last connection, and its bound.
#include "actors/group/membership_store.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

using groups = std::vector<std::string>;

TEST(MembershipStore, JoinsAndLeavesAreKeptPerUserAndAppInNameOrder) {
  membership_store s(10);
  s.set(1, "u", "zeta", true);
  s.set(1, "u", "alpha", true);
  s.set(1, "u", "alpha", true);  // twice: once
  EXPECT_EQ(s.groups(1, "u"), (groups{"alpha", "zeta"}));
  EXPECT_TRUE(s.groups(2, "u").empty());
  s.set(1, "u", "zeta", false);
  EXPECT_EQ(s.groups(1, "u"), (groups{"alpha"}));
  s.set(1, "u", "alpha", false);
  EXPECT_EQ(s.users(), 0u);  // a user in no group is forgotten
  s.set(1, "v", "never", false);
  EXPECT_EQ(s.users(), 0u);
}

TEST(MembershipStore, PastItsBoundTheLeastRecentlyChangedUserGoesFirst) {
  membership_store s(2);
  s.set(1, "a", "g", true);
  s.set(1, "b", "g", true);
  s.set(1, "a", "h", true);  // a changed last
  s.set(1, "c", "g", true);  // b goes
  EXPECT_EQ(s.users(), 2u);
  EXPECT_EQ(s.groups(1, "a"), (groups{"g", "h"}));
  EXPECT_TRUE(s.groups(1, "b").empty());
  EXPECT_EQ(s.groups(1, "c"), (groups{"g"}));
}

}  // namespace
}  // namespace parley
