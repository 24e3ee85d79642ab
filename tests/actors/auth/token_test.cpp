#include "actors/auth/token.hpp"

#include <gtest/gtest.h>

namespace parley::auth {
namespace {

constexpr int64_t now = 1'800'000'000;

TEST(Token, SignedTokenVerifies) {
  auto t = sign_token("secret", 101, "alice", now + 60);
  EXPECT_EQ(verify_token("secret", 101, "alice", t, now), token_status::valid);
}

TEST(Token, ExpiredTokenIsRefused) {
  auto t = sign_token("secret", 101, "alice", now - 1);
  EXPECT_EQ(verify_token("secret", 101, "alice", t, now), token_status::expired);
}

TEST(Token, TamperedTokensAreRefused) {
  auto t = sign_token("secret", 101, "alice", now + 60);
  auto flipped = t;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_EQ(verify_token("secret", 101, "alice", flipped, now), token_status::bad_signature);
  auto later = std::to_string(now + 9999) + t.substr(t.find('.'));
  EXPECT_EQ(verify_token("secret", 101, "alice", later, now), token_status::bad_signature);
  EXPECT_EQ(verify_token("other", 101, "alice", t, now), token_status::bad_signature);
}

TEST(Token, WrongUserOrAppIsRefused) {
  auto t = sign_token("secret", 101, "alice", now + 60);
  EXPECT_EQ(verify_token("secret", 101, "mallory", t, now), token_status::bad_signature);
  EXPECT_EQ(verify_token("secret", 102, "alice", t, now), token_status::bad_signature);
}

TEST(Token, MalformedTokensAreRefused) {
  for (auto t : {"", "abc", ".abcdef", "12x.ab", "123.short"})
    EXPECT_EQ(verify_token("secret", 101, "alice", t, now), token_status::malformed) << t;
}

}  // namespace
}  // namespace parley::auth
