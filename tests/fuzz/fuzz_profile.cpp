// libFuzzer target: profile names and avatar URLs (actors/profile/profile). The first byte
// picks the field, the rest is its value. What is accepted must be safe to carry: a name is
// well-formed UTF-8 (nlohmann's strict dump is the independent judge), at most 64 bytes,
// without control characters; an avatar is an http(s) URL that cannot leave a quoted HTML
// attribute. And the name check is exact: a value the judge finds well-formed, short and
// free of control characters is accepted.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "actors/profile/profile.hpp"

using parley::profile_update;

namespace {

bool utf8_by_json(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

bool has_control(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 1) return 0;
  bool name = bytes[0] & 1;
  std::string value(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  profile_update u;
  std::string reason;
  bool ok = parley::read_profile_update(nlohmann::json{{name ? "name" : "avatar", value}}, u, reason);
  if (!ok && reason.empty()) std::abort();
  if (name) {
    bool expected = utf8_by_json(value) && value.size() <= parley::profile_name_max && !has_control(value);
    if (ok != expected) std::abort();
    if (ok && (!u.name || *u.name != value)) std::abort();
    return 0;
  }
  if (!ok) return 0;
  if (!u.avatar || *u.avatar != value) std::abort();
  if (value.empty()) return 0;
  if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) std::abort();
  if (value.size() > parley::profile_avatar_max || !utf8_by_json(value)) std::abort();
  for (unsigned char c : value)
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '\\')
      std::abort();
  return 0;
}
