#include "config/logging.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Logging, SafeEscapesControlBytesAndTruncates) {
  EXPECT_EQ(log::safe("alice"), "alice");
  EXPECT_EQ(log::safe("a\nINFO fake line"), "a\\x0aINFO fake line");
  EXPECT_EQ(log::safe("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(log::safe("back\\slash"), "back\\x5cslash");
  EXPECT_EQ(log::safe(std::string(100, 'x'), 8), "xxxxxxxx...");
}

TEST(Logging, TokensNeverReachALine) {
  EXPECT_EQ(log::redact_target("/acc?appID=101&userID=a&token=abc.def"),
            "/acc?appID=101&userID=a&token=***");
  EXPECT_EQ(log::redact_target("/acc?token=s3cret&userID=a"), "/acc?token=***&userID=a");
  EXPECT_EQ(log::redact_target("/user/list?mytoken=x"), "/user/list?mytoken=x");  // another name
  EXPECT_EQ(log::redact_target("/acc?token=a&token=b"), "/acc?token=***&token=***");
}

TEST(Logging, ThrottleLimitsLinesPerKeyAndCountsTheRest) {
  log::throttle t(2, std::chrono::seconds(10));
  auto now = std::chrono::steady_clock::now();
  uint64_t suppressed = 0;
  EXPECT_TRUE(t.allow("10.0.0.1", suppressed, now));
  EXPECT_TRUE(t.allow("10.0.0.1", suppressed, now));
  EXPECT_FALSE(t.allow("10.0.0.1", suppressed, now));
  EXPECT_FALSE(t.allow("10.0.0.1", suppressed, now));
  EXPECT_TRUE(t.allow("10.0.0.2", suppressed, now));  // another address has its own budget
  EXPECT_TRUE(t.allow("10.0.0.1", suppressed, now + std::chrono::seconds(11)));
  EXPECT_EQ(suppressed, 2u);
  EXPECT_EQ(log::host_of("10.0.0.1:5555"), "10.0.0.1");
}

}  // namespace
}  // namespace parley
