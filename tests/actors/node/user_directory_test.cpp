// user_directory: the node's (appID, userID) -> sockets map that behaviours read.
#include <gtest/gtest.h>

#include "actors/node/user_directory.hpp"

namespace parley {
namespace {

TEST(UserDirectory, FindsWhatTheNodeInsertedUntilErased) {
  user_directory dir;
  auto sinks = std::make_shared<user_sinks>();
  EXPECT_EQ(dir.find(scoped_key(1, "alice")), nullptr);
  dir.insert(scoped_key(1, "alice"), sinks);
  EXPECT_EQ(dir.find(scoped_key(1, "alice")), sinks);
  EXPECT_EQ(dir.find(scoped_key(2, "alice")), nullptr);  // scoped by appID
  dir.erase(scoped_key(1, "alice"));
  EXPECT_EQ(dir.find(scoped_key(1, "alice")), nullptr);
}

}  // namespace
}  // namespace parley
