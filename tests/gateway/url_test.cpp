#include "gateway/url.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Url, DecodesPercentAndPlus) {
  EXPECT_EQ(url::decode("a%20b+c%2Fd"), "a b c/d");
  EXPECT_EQ(url::decode("bad%zz%4"), "bad%zz%4");
}

TEST(Url, ParsesParamsAndTargets) {
  auto p = url::parse_params("appID=101&userID=al%69ce&empty=&flag");
  EXPECT_EQ(p["appID"], "101");
  EXPECT_EQ(p["userID"], "alice");
  EXPECT_EQ(p["empty"], "");
  EXPECT_TRUE(p.count("flag"));
  auto [path, query] = url::split_target("/acc?token=x");
  EXPECT_EQ(path, "/acc");
  EXPECT_EQ(query, "token=x");
}

}  // namespace
}  // namespace parley
