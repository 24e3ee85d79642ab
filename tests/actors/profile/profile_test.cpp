// profile: the checks every name and avatar passes, and the in-memory profile store's bound.
#include "actors/profile/profile.hpp"
#include "actors/profile/profile_store.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

using nlohmann::json;

bool accepted(const json& data, std::string* why = nullptr) {
  profile_update u;
  std::string reason;
  bool ok = read_profile_update(data, u, reason);
  if (why) *why = reason;
  return ok;
}

TEST(Profile, NamesAreUtf8TextOfAtMost64Bytes) {
  EXPECT_TRUE(accepted({{"name", "Zoë <script>alert(1)</script>"}}));  // text, never HTML
  EXPECT_TRUE(accepted({{"name", std::string(64, 'n')}}));
  EXPECT_TRUE(accepted({{"name", ""}}));  // clears it
  EXPECT_FALSE(accepted({{"name", std::string(65, 'n')}}));
  EXPECT_FALSE(accepted({{"name", "a\nb"}}));
  EXPECT_FALSE(accepted({{"name", std::string("a\x7f")}}));
  EXPECT_FALSE(accepted({{"name", 1}}));
}

TEST(Profile, NamesFromFormsMustBeWellFormedUtf8) {
  // The HTTP form path hands raw bytes: no JSON parser has checked them (a json string may
  // hold any bytes until it is dumped).
  for (std::string bad : {std::string("\xff"), std::string("a\xc3"), std::string("\xc0\xaf"),
                          std::string("\xe0\x80\xaf"), std::string("\xed\xa0\x80"),
                          std::string("\xf4\x90\x80\x80"), std::string("\xf8\x88\x80\x80\x80")}) {
    std::string why;
    EXPECT_FALSE(accepted({{"name", bad}}, &why));
    EXPECT_EQ(why, "name must be UTF-8");
  }
  EXPECT_TRUE(accepted({{"name", "日本語 ✓ 😀 é"}}));
}

TEST(Profile, AvatarsAreHttpUrlsWithAHostAndNothingThatBreaksOutOfAnAttribute) {
  EXPECT_TRUE(accepted({{"avatar", "https://img.example/a.png?s=64#x"}}));
  EXPECT_TRUE(accepted({{"avatar", "http://10.0.0.1:8080/a%20b.png"}}));
  EXPECT_TRUE(accepted({{"avatar", ""}}));
  std::string why;
  for (std::string bad : {"javascript:alert(1)", "data:image/png;base64,AA", "ftp://x/a",
                          "https://", "https:///a", "//x.example/a", "https://x/a b",
                          "https://x/\"onerror=\"y", "https://x/<b>", "https://x/a\\b",
                          "https://x/'a", "https://x/`a", "HTTPS://x/a"}) {
    EXPECT_FALSE(accepted({{"avatar", bad}}, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
  EXPECT_FALSE(accepted({{"avatar", "https://x/" + std::string(503, 'a')}}));
  EXPECT_TRUE(accepted({{"avatar", "https://x/" + std::string(502, 'a')}}));
}

TEST(ProfileStore, AFieldGivenReplacesOnlyItselfAndAnEmptyProfileIsForgotten) {
  profile_store s(10);
  profile_update u;
  u.name = "Ann";
  u.avatar = "https://x/a.png";
  EXPECT_EQ(s.update(1, "ann", u), (user_profile{"Ann", "https://x/a.png"}));
  profile_update rename;
  rename.name = "Anne";
  EXPECT_EQ(s.update(1, "ann", rename), (user_profile{"Anne", "https://x/a.png"}));
  EXPECT_EQ(s.get(1, "ann"), (user_profile{"Anne", "https://x/a.png"}));
  EXPECT_TRUE(s.get(2, "ann").empty());  // per appID
  profile_update clear;
  clear.name = "";
  clear.avatar = "";
  EXPECT_TRUE(s.update(1, "ann", clear).empty());
  EXPECT_EQ(s.size(), 0u);
}

TEST(ProfileStore, PastItsBoundTheLeastRecentlySetGoesFirst) {
  profile_store s(3);
  profile_update u;
  u.name = "x";
  for (auto id : {"a", "b", "c"}) s.update(1, id, u);
  s.update(1, "a", u);  // set again: now the newest
  s.update(1, "d", u);  // b goes
  EXPECT_EQ(s.size(), 3u);
  auto got = s.get_many(1, {"a", "b", "c", "d"});
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].name, "x");
  EXPECT_TRUE(got[1].empty());
  EXPECT_EQ(got[2].name, "x");
  EXPECT_EQ(got[3].name, "x");
}

}  // namespace
}  // namespace parley
