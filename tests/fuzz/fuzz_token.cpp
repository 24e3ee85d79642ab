// libFuzzer target: login tokens (actors/auth/token). The input is split into a user id and a
// token; verify_token must classify any token without crashing; a token it accepts must stop
// being valid for another user or with one byte of its MAC changed; and what sign_token makes
// is valid before its expiry and expired after it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "actors/auth/token.hpp"

using namespace parley::auth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 1) return 0;
  const std::string secret = "fuzz-secret";
  uint32_t app_id = bytes[0];
  std::string rest(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  auto split = rest.find('\n');
  std::string user = rest.substr(0, split);
  std::string token = split == std::string::npos ? std::string() : rest.substr(split + 1);
  const int64_t now = 1'700'000'000;
  auto status = verify_token(secret, app_id, user, token, now);
  if (status == token_status::valid) {
    // Valid for this user only, and only with every byte of its MAC.
    if (verify_token(secret, app_id, user + "x", token, now) == token_status::valid) std::abort();
    std::string flipped = token;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    if (verify_token(secret, app_id, user, flipped, now) == token_status::valid) std::abort();
  }
  if (verify_token(secret, app_id, user, sign_token(secret, app_id, user, now + 60), now) !=
      token_status::valid)
    std::abort();
  if (verify_token(secret, app_id, user, sign_token(secret, app_id, user, now - 1), now) !=
      token_status::expired)
    std::abort();
  return 0;
}
