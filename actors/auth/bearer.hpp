// bearer: the API key check both APIs make (HTTP `Authorization`, gRPC `authorization`
// metadata): "Bearer KEY", compared in constant time.
#pragma once

#include <string>
#include <string_view>

#include <openssl/crypto.h>

namespace parley {

inline bool bearer_matches(std::string_view header, const std::string& key) {
  constexpr std::string_view prefix = "Bearer ";
  if (header.size() != prefix.size() + key.size() || header.substr(0, prefix.size()) != prefix)
    return false;
  return CRYPTO_memcmp(header.data() + prefix.size(), key.data(), key.size()) == 0;
}

}  // namespace parley
