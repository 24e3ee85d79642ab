#include "actors/auth/token.hpp"

#include <algorithm>
#include <cctype>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace parley::auth {
namespace {

std::string mac_hex(const std::string& secret, uint32_t app_id, const std::string& user_id,
                    const std::string& expiry) {
  auto message = std::to_string(app_id) + ":" + user_id + ":" + expiry;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &len);
  static const char hex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned i = 0; i < len; ++i) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

const char* to_string(token_status status) {
  switch (status) {
    case token_status::valid: return "valid";
    case token_status::malformed: return "malformed";
    case token_status::expired: return "expired";
    case token_status::bad_signature: return "bad signature";
  }
  return "unknown";
}

std::string sign_token(const std::string& secret, uint32_t app_id, const std::string& user_id,
                       int64_t expiry_unix) {
  auto expiry = std::to_string(expiry_unix);
  return expiry + "." + mac_hex(secret, app_id, user_id, expiry);
}

token_status verify_token(const std::string& secret, uint32_t app_id,
                          const std::string& user_id, const std::string& token,
                          int64_t now_unix) {
  auto dot = token.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 12) return token_status::malformed;
  auto expiry = token.substr(0, dot);
  if (!std::all_of(expiry.begin(), expiry.end(), [](unsigned char c) { return std::isdigit(c); }))
    return token_status::malformed;
  auto given = token.substr(dot + 1);
  auto expected = mac_hex(secret, app_id, user_id, expiry);
  if (given.size() != expected.size()) return token_status::malformed;
  // Constant time in the MAC; the expiry is checked after so timing says nothing about it.
  bool mac_ok = CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
  if (!mac_ok) return token_status::bad_signature;
  if (std::stoll(expiry) < now_unix) return token_status::expired;
  return token_status::valid;
}

token_status verify_token(const std::string& secret, const std::string& previous,
                          uint32_t app_id, const std::string& user_id, const std::string& token,
                          int64_t now_unix) {
  auto status = verify_token(secret, app_id, user_id, token, now_unix);
  if (status != token_status::bad_signature || previous.empty()) return status;
  return verify_token(previous, app_id, user_id, token, now_unix);
}

}  // namespace parley::auth
