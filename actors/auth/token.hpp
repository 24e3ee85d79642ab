// token: signed login tokens, `<expiry unix seconds>.<hex HMAC-SHA256(secret, "<appID>:<userID>:<expiry>")>`.
//
// Backends mint them with sign_token() (or `parley token ...`); the node checks them with
// verify_token(), comparing the MAC in constant time. Cost: one HMAC-SHA256 over ~40 bytes.
#pragma once

#include <cstdint>
#include <string>

namespace parley::auth {

enum class token_status { valid, malformed, expired, bad_signature };

const char* to_string(token_status status);

std::string sign_token(const std::string& secret, uint32_t app_id, const std::string& user_id,
                       int64_t expiry_unix);

// `now_unix` is passed in so tests can move the clock.
token_status verify_token(const std::string& secret, uint32_t app_id,
                          const std::string& user_id, const std::string& token,
                          int64_t now_unix);

// verify_token() with `secret`, and when that finds a bad signature and `previous` is set,
// with `previous` too: during a key rotation tokens signed with either are valid.
token_status verify_token(const std::string& secret, const std::string& previous,
                          uint32_t app_id, const std::string& user_id, const std::string& token,
                          int64_t now_unix);

}  // namespace parley::auth
