#include "config/text.hpp"

namespace parley {

bool parse_decimal(std::string_view text, uint64_t max, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    auto digit = static_cast<uint64_t>(c - '0');
    if (value > (max - digit) / 10) return false;  // value * 10 + digit > max
    value = value * 10 + digit;
  }
  out = value;
  return true;
}

bool parse_uint32(std::string_view text, uint32_t& out) {
  uint64_t value = 0;
  if (!parse_decimal(text, UINT32_MAX, value)) return false;
  out = static_cast<uint32_t>(value);
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

}  // namespace parley
