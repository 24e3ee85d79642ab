#include "actors/profile/profile.hpp"

#include <cstdint>

namespace parley {
namespace {

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF): a name can
// come from an HTTP form, where no JSON parser has checked it.
bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 4;
    if (n == 4 || i + n >= s.size()) return false;
    uint32_t cp = n == 0 ? c : c & (0x3f >> n);
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

bool valid_name(const std::string& name, std::string& reason) {
  if (!valid_utf8(name)) {
    reason = "name must be UTF-8";
    return false;
  }
  if (name.size() > profile_name_max) {
    reason = "name must be at most " + std::to_string(profile_name_max) + " bytes";
    return false;
  }
  for (unsigned char ch : name)
    if (ch < 0x20 || ch == 0x7f) {
      reason = "name must not contain control characters";
      return false;
    }
  return true;
}

bool valid_avatar(const std::string& url, std::string& reason) {
  if (url.empty()) return true;
  if (url.size() > profile_avatar_max) {
    reason = "avatar must be at most " + std::to_string(profile_avatar_max) + " bytes";
    return false;
  }
  size_t host = url.rfind("https://", 0) == 0 ? 8 : url.rfind("http://", 0) == 0 ? 7 : 0;
  if (host == 0) {
    reason = "avatar must be an http(s) URL";
    return false;
  }
  if (host == url.size() || url[host] == '/' || url[host] == '?' || url[host] == '#') {
    reason = "avatar must name a host";
    return false;
  }
  for (unsigned char ch : url)
    if (ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '\'' || ch == '<' || ch == '>' ||
        ch == '\\' || ch == '`') {
      reason = "avatar must be a URL without spaces, quotes, angle brackets or backslashes "
               "(percent-encode them)";
      return false;
    }
  return true;
}

bool read_field(const nlohmann::json& data, const char* key, std::optional<std::string>& out,
                std::string& reason) {
  auto it = data.find(key);
  if (it == data.end() || it->is_null()) return true;
  if (!it->is_string()) {
    reason = std::string(key) + " must be a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

}  // namespace

bool read_profile_update(const nlohmann::json& data, profile_update& out, std::string& reason) {
  if (!data.is_object()) return true;
  if (!read_field(data, "name", out.name, reason) || !read_field(data, "avatar", out.avatar, reason))
    return false;
  if (out.name && !valid_name(*out.name, reason)) return false;
  if (out.avatar && !valid_avatar(*out.avatar, reason)) return false;
  return true;
}

}  // namespace parley
