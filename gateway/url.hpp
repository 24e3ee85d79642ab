// url: percent-decoding and key=value parsing for query strings and form bodies.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace parley::url {

// Decodes %XX and '+' (as space). Invalid escapes are kept as they are.
std::string decode(std::string_view text);

// Decodes %XX in a URL path ('+' stays '+'); std::nullopt for an invalid escape.
std::optional<std::string> decode_path(std::string_view path);

// Parses "a=1&b=two" into a map (later keys win). Keys and values are decoded.
std::map<std::string, std::string> parse_params(std::string_view text);

// The value of `name` in `params`, matched as config/text.hpp's find_ignoring_case does
// (appID, appId), or std::nullopt.
std::optional<std::string> param(const std::map<std::string, std::string>& params,
                                 std::string_view name);

// Splits a request target into path and query.
std::pair<std::string, std::string> split_target(std::string_view target);

}  // namespace parley::url
