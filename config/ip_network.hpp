// ip_network: an IP address or a CIDR network ("10.89.0.0/16", "fd00::/8"), and whether an
// address lies in it. trusted_proxies entries are these: behind a compose network the proxy's
// address is not known in advance, its subnet is.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace parley {

struct ip_network {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4: the first 4
  unsigned prefix = 0;              // leading bits that must match (32 or 128 for an address)

  // Whether `address` (text, as a socket reports it) is in this network. An IPv4-mapped IPv6
  // address (::ffff:10.0.0.1, an IPv4 peer on a dual-stack socket) counts as its IPv4 address.
  bool contains(std::string_view address) const;
};

// "ADDRESS" or "ADDRESS/BITS"; nothing for anything else. Bits past the prefix are ignored.
std::optional<ip_network> parse_ip_network(std::string_view text);

}  // namespace parley
