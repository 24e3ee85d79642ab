#include "gateway/url.hpp"

#include <cctype>

#include "config/text.hpp"

namespace parley::url {

namespace {

// Decodes %XX; `plus_is_space` for query strings and forms. With `strict` an invalid escape
// makes the result empty (and `ok` false); without, it is kept as it is.
std::string decode_text(std::string_view text, bool plus_is_space, bool strict, bool& ok) {
  std::string out;
  out.reserve(text.size());
  ok = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() &&
               std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (c == '%' && strict) {
      ok = false;
      return {};
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string decode(std::string_view text) {
  bool ok = true;
  return decode_text(text, true, false, ok);
}

std::optional<std::string> decode_path(std::string_view path) {
  bool ok = true;
  auto out = decode_text(path, false, true, ok);
  if (!ok) return std::nullopt;
  return out;
}

std::map<std::string, std::string> parse_params(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    auto amp = text.find('&');
    auto pair = text.substr(0, amp);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      auto key = decode(pair.substr(0, eq));
      auto value = eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1));
      out[key] = value;
    }
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
  return out;
}

std::optional<std::string> param(const std::map<std::string, std::string>& params,
                                 std::string_view name) {
  auto it = find_ignoring_case(params, name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::pair<std::string, std::string> split_target(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {std::string(target), {}};
  return {std::string(target.substr(0, q)), std::string(target.substr(q + 1))};
}

}  // namespace parley::url
