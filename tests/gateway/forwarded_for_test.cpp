#include "gateway/forwarded_for.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

const std::vector<std::string> proxies = {"127.0.0.1", "10.0.0.5"};

TEST(ForwardedFor, OnlyATrustedPeerIsBelieved) {
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.7", proxies), "203.0.113.7");
  EXPECT_EQ(client_address("198.51.100.2", "203.0.113.7", proxies), "198.51.100.2");  // not a proxy
  EXPECT_EQ(client_address("127.0.0.1", "", proxies), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.7", {}), "127.0.0.1");  // none configured
}

TEST(ForwardedFor, TheRightmostUntrustedHopIsTheClient) {
  // The client wrote "1.2.3.4" itself; nginx appended the address it saw.
  EXPECT_EQ(client_address("127.0.0.1", "1.2.3.4, 203.0.113.7", proxies), "203.0.113.7");
  EXPECT_EQ(client_address("127.0.0.1", "1.2.3.4,203.0.113.7, 10.0.0.5", proxies), "203.0.113.7");
  EXPECT_EQ(client_address("127.0.0.1", "10.0.0.5", proxies), "10.0.0.5");  // only proxies
  EXPECT_EQ(client_address("127.0.0.1", " 2001:db8::1 ", proxies), "2001:db8::1");
}

TEST(ForwardedFor, ANonAddressIsIgnored) {
  EXPECT_EQ(client_address("127.0.0.1", "unknown", proxies), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "1.2.3.4, evil", proxies), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", ",,", proxies), "127.0.0.1");
}

TEST(ForwardedFor, ANetworkTrustsEveryAddressInIt) {
  // A compose network: nginx's address is not known in advance, its subnet is.
  const std::vector<std::string> nets = {"10.89.7.0/24", "fd00:1::/64"};
  EXPECT_EQ(client_address("10.89.7.23", "203.0.113.7", nets), "203.0.113.7");
  EXPECT_EQ(client_address("10.89.8.23", "203.0.113.7", nets), "10.89.8.23");  // outside
  EXPECT_EQ(client_address("fd00:1::9", "203.0.113.7", nets), "203.0.113.7");
  EXPECT_EQ(client_address("fd00:2::9", "203.0.113.7", nets), "fd00:2::9");
  // Hops inside the network are proxies too: the client is the first one outside it.
  EXPECT_EQ(client_address("10.89.7.23", "1.2.3.4, 203.0.113.7, 10.89.7.40", nets), "203.0.113.7");
  EXPECT_EQ(client_address("10.89.7.23", "203.0.113.7", {"0.0.0.0/0"}), "203.0.113.7");
  EXPECT_EQ(client_address("10.89.7.23", "203.0.113.7", {"10.89.7.23/32"}), "203.0.113.7");
}

TEST(IpNetwork, ParsesAddressesAndNetworksAndRefusesTheRest) {
  EXPECT_TRUE(parse_ip_network("127.0.0.1"));
  EXPECT_TRUE(parse_ip_network("10.0.0.0/8"));
  EXPECT_TRUE(parse_ip_network("::1"));
  EXPECT_TRUE(parse_ip_network("fd00::/8"));
  EXPECT_FALSE(parse_ip_network("10.0.0.0/33"));
  EXPECT_FALSE(parse_ip_network("fd00::/129"));
  EXPECT_FALSE(parse_ip_network("10.0.0.0/"));
  EXPECT_FALSE(parse_ip_network("10.0.0.0/8x"));
  EXPECT_FALSE(parse_ip_network("nginx"));
  EXPECT_FALSE(parse_ip_network(""));
  // Bits past the prefix are ignored, as nginx's set_real_ip_from does.
  auto net = parse_ip_network("10.1.2.3/16");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->contains("10.1.200.1"));
  EXPECT_FALSE(net->contains("10.2.0.1"));
  EXPECT_TRUE(net->contains("::ffff:10.1.0.1"));  // an IPv4 peer on a dual-stack socket
  EXPECT_FALSE(net->contains("2001:db8::1"));      // another family
  EXPECT_FALSE(net->contains("garbage"));
}

}  // namespace
}  // namespace parley
