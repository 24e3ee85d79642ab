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

}  // namespace
}  // namespace parley
