#include "config/ip_network.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace parley {
namespace {

// The address in `text` as 4 or 16 bytes; mapped IPv6 addresses become IPv4.
std::optional<ip_network> parse_address(std::string_view text) {
  ip_network a;
  std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.prefix = 32;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  static constexpr uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes.data(), mapped, sizeof mapped) == 0) {
    std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
    std::memset(a.bytes.data() + 4, 0, 12);
    a.prefix = 32;
    return a;
  }
  a.v6 = true;
  a.prefix = 128;
  return a;
}

}  // namespace

bool ip_network::contains(std::string_view address) const {
  auto a = parse_address(address);
  if (!a || a->v6 != v6) return false;
  unsigned whole = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a->bytes.data(), bytes.data(), whole) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a->bytes[whole] & mask) == (bytes[whole] & mask);
}

std::optional<ip_network> parse_ip_network(std::string_view text) {
  auto slash = text.find('/');
  auto net = parse_address(text.substr(0, slash));
  if (!net) return std::nullopt;
  if (slash == std::string_view::npos) return net;
  // An IPv4-mapped base keeps the bits of its IPv6 form: ::ffff:10.0.0.0/104 is 10.0.0.0/8.
  bool mapped_base = !net->v6 && text.substr(0, slash).find(':') != std::string_view::npos;
  auto bits = text.substr(slash + 1);
  unsigned prefix = 0;
  auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (bits.empty() || ec != std::errc{} || end != bits.data() + bits.size()) return std::nullopt;
  if (mapped_base) {
    if (prefix < 96 || prefix > 128) return std::nullopt;
    prefix -= 96;
  }
  if (prefix > (net->v6 ? 128u : 32u)) return std::nullopt;
  net->prefix = prefix;
  return net;
}

}  // namespace parley
