// text: the two small parsers every layer needs, written once: decimal uint32 and
// case-insensitive key lookup. Plain functions, no allocation on success paths.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley {

// True and `out` set when `text` is 1 to 20 ASCII digits with a value of at most `max`.
// Anything else (empty, sign, spaces, overflow) is false and leaves `out`.
bool parse_decimal(std::string_view text, uint64_t max, uint64_t& out);

// parse_decimal up to 4294967295: "4294967397" is false, never truncated to 101.
bool parse_uint32(std::string_view text, uint32_t& out);

// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

// The entry of `map` (any map with std::string keys) whose key equals `key`, exactly or
// else ignoring ASCII case (appID, appId, APPID), or map.end(). O(log n) for an exact
// match, linear otherwise.
template <class Map>
typename Map::const_iterator find_ignoring_case(const Map& map, std::string_view key) {
  auto exact = map.find(std::string(key));
  if (exact != map.end()) return exact;
  for (auto it = map.begin(); it != map.end(); ++it)
    if (iequals(it->first, key)) return it;
  return map.end();
}

}  // namespace parley
