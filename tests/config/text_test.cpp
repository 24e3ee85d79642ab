#include "config/text.hpp"

#include <map>

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Text, ParseUint32TakesOnlyDecimalsThatFit) {
  uint32_t v = 7;
  EXPECT_TRUE(parse_uint32("0", v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(parse_uint32("4294967295", v));
  EXPECT_EQ(v, 4294967295u);
  v = 7;
  for (auto bad : {"", "4294967296", "4294967397", "-1", "+1", " 1", "1 ", "1e3", "0x10",
                   "12345678901", "99999999999999999999999"}) {
    EXPECT_FALSE(parse_uint32(bad, v)) << bad;
    EXPECT_EQ(v, 7u) << "left unchanged by " << bad;
  }
}

TEST(Text, ParseDecimalHonoursItsMaximum) {
  uint64_t v = 0;
  EXPECT_TRUE(parse_decimal("18446744073709551615", UINT64_MAX, v));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_FALSE(parse_decimal("18446744073709551616", UINT64_MAX, v));
  EXPECT_FALSE(parse_decimal("65536", 65535, v));
  EXPECT_TRUE(parse_decimal("65535", 65535, v));
}

TEST(Text, FindIgnoringCasePrefersTheExactKey) {
  std::map<std::string, int> m{{"appId", 1}, {"appID", 2}, {"userid", 3}};
  EXPECT_EQ(find_ignoring_case(m, "appID")->second, 2);
  EXPECT_EQ(find_ignoring_case(m, "userID")->second, 3);
  EXPECT_EQ(find_ignoring_case(m, "group"), m.end());
  EXPECT_TRUE(iequals("SendMessage", "sendmessage"));
  EXPECT_FALSE(iequals("abc", "abd"));
}

}  // namespace
}  // namespace parley
