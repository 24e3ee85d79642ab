// user_sinks: what senders see of a user's sockets.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "actors/user/user_sinks.hpp"
#include "tests/support/recording_sink.hpp"

namespace parley {
namespace {

using test::recording_sink;

frame_ptr frame(const std::string& text) { return std::make_shared<const std::string>(text); }

TEST(UserSinks, DeliversToEverySocketAndCountsThem) {
  user_sinks sinks;
  auto phone = std::make_shared<recording_sink>(), laptop = std::make_shared<recording_sink>();
  EXPECT_EQ(sinks.deliver(frame(R"({"n":0})")), 0u);
  sinks.add(phone);
  sinks.add(laptop);
  EXPECT_EQ(sinks.deliver(frame(R"({"n":1})")), 2u);
  EXPECT_EQ((*phone->next())["n"], 1);
  EXPECT_EQ((*laptop->next())["n"], 1);
}

TEST(UserSinks, ARemovedSocketGetsNothingMore) {
  user_sinks sinks;
  auto phone = std::make_shared<recording_sink>(), laptop = std::make_shared<recording_sink>();
  sinks.add(phone);
  sinks.add(laptop);
  EXPECT_TRUE(sinks.remove(phone));
  EXPECT_FALSE(sinks.remove(phone));
  EXPECT_EQ(sinks.size(), 1u);
  EXPECT_EQ(sinks.deliver(frame(R"({"n":2})")), 1u);
  EXPECT_EQ((*laptop->next())["n"], 2);
  EXPECT_FALSE(phone->next(std::chrono::milliseconds(20)));
}

TEST(UserSinks, ConcurrentSendersAndChangesKeepEveryFrameOfAStayingSocket) {
  // Two senders deliver while another thread adds and removes sockets: the socket that
  // stays all along gets every frame, each sender's in its own order.
  user_sinks sinks;
  auto stays = std::make_shared<recording_sink>();
  sinks.add(stays);
  constexpr int per_sender = 2000;
  auto sender = [&](int id) {
    for (int i = 0; i < per_sender; ++i)
      sinks.deliver(frame(R"({"s":)" + std::to_string(id) + R"(,"i":)" + std::to_string(i) + "}"));
  };
  std::thread a(sender, 0), b(sender, 1);
  std::thread churn([&] {
    for (int i = 0; i < 500; ++i) {
      auto s = std::make_shared<recording_sink>();
      sinks.add(s);
      sinks.remove(s);
    }
  });
  a.join();
  b.join();
  churn.join();
  int next[2] = {0, 0};
  for (int n = 0; n < 2 * per_sender; ++n) {
    auto f = stays->next();
    ASSERT_TRUE(f);
    int s = (*f)["s"];
    EXPECT_EQ((*f)["i"], next[s]++);
  }
  EXPECT_EQ(next[0], per_sender);
  EXPECT_EQ(next[1], per_sender);
}

}  // namespace
}  // namespace parley
