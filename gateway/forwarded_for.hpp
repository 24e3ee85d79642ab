// forwarded_for: the client's address behind trusted proxies (nginx in front of the node).
//
// The per-address caps key on the client's address. Behind a proxy the socket's peer is the
// proxy, so when the peer is one of `trusted_proxies` (addresses, or networks such as
// 10.89.0.0/16) the address comes from the request's
// X-Forwarded-For instead: its entries are read from the right (the one the nearest proxy
// appended), skipping addresses that are trusted proxies themselves, and the first other
// one is the client. Entries left of it were written by the client and are never believed.
// A header that does not hold IP addresses is ignored (the peer's address is used).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "config/ip_network.hpp"

namespace parley {

inline std::string client_address(const std::string& peer, std::string_view forwarded_for,
                                  const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](const std::string& a) {
    return std::any_of(trusted_proxies.begin(), trusted_proxies.end(), [&](const std::string& p) {
      if (p == a) return true;
      auto net = parse_ip_network(p);
      return net && net->contains(a);
    });
  };
  if (forwarded_for.empty() || !trusted(peer)) return peer;
  std::string client = peer;
  while (!forwarded_for.empty()) {
    auto comma = forwarded_for.rfind(',');
    auto entry = comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for = comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
    while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) entry.remove_prefix(1);
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.remove_suffix(1);
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(entry), ec);
    if (ec) return peer;  // not an address: the header is not to be trusted
    client = address.to_string();
    if (!trusted(client)) return client;
  }
  return client;  // every hop a trusted proxy: the leftmost
}

}  // namespace parley
