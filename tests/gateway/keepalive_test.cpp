// keepalive: which members a tick reports as quiet, and leaving.
#include "gateway/keepalive.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace parley {
namespace {

struct probe : keepalive::member {
  std::vector<uint32_t> calls;
  void quiet(uint32_t ticks) override { calls.push_back(ticks); }
};

TEST(Keepalive, ReportsOnlyMembersSilentForThreeTicks) {
  boost::asio::io_context ioc;
  keepalive k(ioc, std::chrono::milliseconds(500));
  probe active, silent;
  k.add(active);
  k.add(silent);
  EXPECT_EQ(k.sweep(), 0u);
  k.touch(active);
  EXPECT_EQ(k.sweep(), 0u);
  k.touch(active);
  EXPECT_EQ(k.sweep(), 1u);  // silent: three ticks since add
  EXPECT_EQ(silent.calls, std::vector<uint32_t>{3});
  EXPECT_EQ(k.silence(active), 1u);
  EXPECT_EQ(k.sweep(), 1u);
  EXPECT_EQ(silent.calls, (std::vector<uint32_t>{3, 4}));
  EXPECT_TRUE(active.calls.empty());
  k.remove(silent);
  k.remove(silent);  // twice is harmless
  EXPECT_EQ(k.sweep(), 1u);  // only active now, silent for three ticks
  EXPECT_EQ(silent.calls.size(), 2u);
  EXPECT_EQ(active.calls, std::vector<uint32_t>{3});
  k.remove(active);
  k.stop();
}

}  // namespace
}  // namespace parley
