// keepalive: which members a tick reports as quiet, and leaving.
#include "gateway/keepalive.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace parley {
namespace {

// Records, at each quiet(), how many ticks it had been silent.
struct probe : keepalive::member, std::enable_shared_from_this<probe> {
  explicit probe(keepalive& k) : k(k) {}
  keepalive& k;
  bool dying = false;
  std::vector<uint32_t> calls;
  std::shared_ptr<member> pin() override { return dying ? nullptr : shared_from_this(); }
  void quiet() override { calls.push_back(k.silence(*this)); }
};

TEST(Keepalive, ReportsOnlyMembersSilentForThreeTicks) {
  boost::asio::io_context ioc;
  keepalive k(ioc, std::chrono::milliseconds(500));
  auto active_ptr = std::make_shared<probe>(k), silent_ptr = std::make_shared<probe>(k);
  auto& active = *active_ptr;
  auto& silent = *silent_ptr;
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
  active.dying = true;  // its last reference is going: not reported any more
  EXPECT_EQ(k.sweep(), 0u);
  k.remove(active);
  k.stop();
}

}  // namespace
}  // namespace parley
