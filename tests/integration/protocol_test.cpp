// The WebSocket protocol against a real node: login and its errors, presence, private and
// group messages, de-duplication, users, bad input.
#include "tests/integration/node_fixture.hpp"

namespace parley::test {
namespace {

class Protocol : public NodeFixture {
 protected:
  void SetUp() override { start(); }
};

TEST_F(Protocol, LoginErrorsFollowTheOriginalOrder) {
  auto c = connect();
  EXPECT_EQ(code_of(c->request("heartbeat")), 1000);
  EXPECT_EQ(code_of(c->request("join", {{"group", "g"}})), 1000);
  EXPECT_EQ(c->request("ping")["response"]["data"], "pong");
  EXPECT_EQ(code_of(c->request("login", {{"appID", "abc"}, {"userID", "a"}})), 1001);
  EXPECT_EQ(code_of(c->request("login", {{"appID", 101}, {"userID", ""}})), 1002);
  EXPECT_EQ(code_of(c->request("login", {{"appID", 101}, {"userID", std::string(20, 'x')}})), 1002);
  EXPECT_EQ(code_of(c->request("login", {{"appID", 999}, {"userID", "alice"}})), 1003);
  auto ok = c->request("login", {{"appId", 101}, {"userId", std::string(19, 'x')}});  // older spelling
  EXPECT_EQ(code_of(ok), 200);
  EXPECT_FALSE(ok["response"]["data"]["clientID"].get<std::string>().empty());
  EXPECT_EQ(code_of(c->request("login", {{"appID", 101}, {"userID", "again"}})), 1009);
  EXPECT_EQ(code_of(c->request("heartbeat")), 200);
}

TEST_F(Protocol, BadFramesGetErrorsAndTheConnectionStaysOpen) {
  auto c = user(101, "alice");
  c->send("{not json");
  auto r = json::parse(*c->next_frame());
  EXPECT_EQ(code_of(r), 1001);
  EXPECT_EQ(r["response"]["codeMsg"], "invalid JSON");
  EXPECT_EQ(code_of(c->request("noSuchCmd")), 1010);
  EXPECT_EQ(code_of(c->request("sendMessage", {{"userID", 5}, {"msg", "x"}})), 1001);
  EXPECT_EQ(code_of(c->request("sendMessage", {{"userID", "bob"}})), 1001);
  EXPECT_EQ(code_of(c->request("sendMessage", {{"userID", "bob"}, {"msg", "x"}, {"type", "img"}})), 1001);
  EXPECT_EQ(code_of(c->request("join", {{"group", ""}})), 1001);
  EXPECT_EQ(code_of(c->request("sendAll", {})), 1001);  // msg is required
  c->send("ping");
  EXPECT_EQ(*c->next_frame(), "pong");
  EXPECT_EQ(c->request("echo", {{"text", "hi"}})["response"]["data"]["text"], "hi");
}

TEST_F(Protocol, EnterAndExitGoToOtherUsersOfTheApp) {
  auto alice = user(101, "alice");
  auto other_app = user(102, "zed");
  auto bob = user(101, "bob");
  auto enter = alice->next_push("enter");
  ASSERT_TRUE(enter);
  EXPECT_EQ((*enter)["response"]["data"]["from"], "bob");
  EXPECT_TRUE(no_push_before_marker(*bob, "bob", "enter"));  // not about himself
  bob->close();
  auto exit = alice->next_push("exit");
  ASSERT_TRUE(exit);
  EXPECT_EQ((*exit)["response"]["data"]["from"], "bob");
  EXPECT_TRUE(no_push_before_marker(*other_app, "zed", "enter"));  // another app
  EXPECT_TRUE(no_push_before_marker(*other_app, "zed", "exit"));
}

TEST(PresenceOff, NoEnterOrExitPushes) {
  NodeFixtureAccess node;
  node.start_with([](node_config& c) { c.presence_pushes = false; });
  auto alice = node.login(101, "alice");
  auto bob = node.login(101, "bob");
  bob->close();
  ASSERT_TRUE(eventually([&] { return node.stats().live(actor_kind::user) == 1; }));  // bob retired
  alice->request("sendMessage", {{"userID", "alice"}, {"msg", "marker"}});
  ASSERT_TRUE(alice->next_push("msg"));  // everything before the marker has arrived
  EXPECT_FALSE(alice->next_push("enter", std::chrono::milliseconds(0)));
  EXPECT_FALSE(alice->next_push("exit", std::chrono::milliseconds(0)));
}

TEST_F(Protocol, SendMessageReachesEveryDeviceOnceEvenWhenRetried) {
  auto alice = user(101, "alice");
  auto bob_phone = user(101, "bob");
  auto bob_laptop = user(101, "bob");
  auto r = alice->request("sendMessage", {{"userID", "bob"}, {"type", "text"}, {"msg", "hi"}, {"msgID", "m1"}});
  EXPECT_EQ(code_of(r), 200);
  EXPECT_EQ(r["response"]["data"]["msgID"], "m1");
  auto again = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "hi"}, {"msgID", "m1"}});
  EXPECT_EQ(code_of(again), 200);
  EXPECT_EQ(again["response"]["data"]["duplicate"], true);
  alice->request("sendMessage", {{"userID", "bob"}, {"type", "img"}, {"msg", "https://x/p.png"}, {"msgID", "m2"}});
  for (auto* bob : {bob_phone.get(), bob_laptop.get()}) {
    auto first = bob->next_push("msg");
    ASSERT_TRUE(first);
    auto data = (*first)["response"]["data"];
    EXPECT_EQ(data["msg"], "hi");
    EXPECT_EQ(data["from"], "alice");
    EXPECT_EQ(data["target"], "bob");
    EXPECT_EQ((*first)["seq"], "m1");
    EXPECT_GT(data["time"].get<int64_t>(), 0);
    auto second = bob->next_push("msg");
    ASSERT_TRUE(second);
    EXPECT_EQ((*second)["response"]["data"]["msgID"], "m2");  // m1 was not delivered twice
    EXPECT_EQ((*second)["response"]["data"]["type"], "img");
  }
  auto offline = alice->request("sendMessage", {{"userID", "nobody"}, {"msg", "x"}});
  EXPECT_EQ(offline["response"]["data"]["delivered"], false);
}

// Frames queued for a socket go out in batches with headers Parley builds itself: a burst of
// messages of every header size (7-, 16- and 64-bit lengths) must arrive whole and in order.
TEST_F(NodeFixture, BurstsOfMessagesOfEverySizeArriveWholeAndInOrder) {
  start([](node_config& c) { c.max_message_bytes = 200000; });
  auto alice = user(101, "alice");
  auto bob = user(101, "bob");
  auto size_of = [](int i) -> std::size_t { return i % 50 == 7 ? 60000 : (i % 3 == 0 ? 1 : 100 + i); };
  const int burst = 200;
  for (int i = 0; i < burst; ++i) {
    json req = {{"seq", "s" + std::to_string(i)}, {"cmd", "sendMessage"},
                {"data", {{"userID", "bob"}, {"msg", std::string(size_of(i), 'a' + i % 26)},
                          {"msgID", "b" + std::to_string(i)}}}};
    alice->send(req.dump());
  }
  std::string big(100000, 'z');  // a push longer than 65535 bytes: 64-bit frame length
  auto r = http_call(port(), "POST", "/user/sendMessage",
                     json{{"appID", 101}, {"userID", "bob"}, {"msgID", "big"}, {"message", big}}.dump(),
                     "application/json");
  EXPECT_EQ(r.status, 200u);
  // The backend's push may overtake alice's burst; alice's own messages keep their order.
  int next = 0, bigs = 0;
  for (int n = 0; n < burst + 1; ++n) {
    auto m = bob->next_push("msg");
    ASSERT_TRUE(m) << "after " << n << " messages";
    auto data = (*m)["response"]["data"];
    auto text = data["msg"].get<std::string>();
    if (data["msgID"] == "big") {
      ++bigs;
      EXPECT_TRUE(text == big) << "the 100,000-byte message arrived with " << text.size() << " bytes";
      continue;
    }
    EXPECT_EQ(data["msgID"], "b" + std::to_string(next));
    EXPECT_TRUE(text == std::string(size_of(next), 'a' + next % 26)) << "message " << next << " has " << text.size() << " bytes";
    ++next;
  }
  EXPECT_EQ(next, burst);
  EXPECT_EQ(bigs, 1);
  EXPECT_EQ(code_of(bob->request("ping")), 200);  // the connection is still in step
}

TEST_F(Protocol, GroupsJoinSendLeaveAndUsers) {
  auto alice = user(101, "alice");
  auto bob = user(101, "bob");
  auto carol = user(101, "carol");
  EXPECT_EQ(code_of(alice->request("join", {{"group", "team"}})), 200);
  EXPECT_EQ(code_of(bob->request("join", {{"group", "team"}})), 200);
  EXPECT_EQ(code_of(carol->request("sendGroup", {{"group", "team"}, {"msg", "let me in"}})), 1003);
  auto r = alice->request("sendGroup", {{"group", "team"}, {"msg", "standup"}, {"msgID", "g1"}});
  EXPECT_EQ(r["response"]["data"]["recipients"], 2);
  for (auto* c : {alice.get(), bob.get()}) {
    auto push = c->next_push("msg");
    ASSERT_TRUE(push);
    EXPECT_EQ((*push)["response"]["data"]["target"], "team");
  }
  EXPECT_TRUE(no_push_before_marker(*carol, "carol", "msg"));
  EXPECT_EQ(code_of(bob->request("leave", {{"group", "team"}})), 200);
  EXPECT_EQ(code_of(bob->request("sendGroup", {{"group", "team"}, {"msg", "x"}})), 1003);
  auto users = alice->request("users");
  EXPECT_EQ(users["response"]["data"]["userCount"], 3);
}

TEST_F(Protocol, ActorCountsReturnToZeroAfterClientsLeave) {
  {
    auto a = user(101, "a");
    auto b = user(101, "b");
    a->request("join", {{"group", "g1"}});
    b->request("join", {{"group", "g2"}});
    EXPECT_TRUE(eventually([&] { return stats().live(actor_kind::group) == 2; }));
  }
  EXPECT_TRUE(no_actors_left());
}

TEST_F(Protocol, SendAllReachesEveryUserOfTheAppAsTheLoggedInSender) {
  auto alice = user(101, "alice");
  auto bob = user(101, "bob");
  auto zed = user(102, "zed");
  auto r = alice->request("sendAll", {{"msg", "hello room"}, {"msgID", "r1"}, {"userID", "spoofed"}});
  EXPECT_EQ(r["response"]["data"]["recipients"], 2);
  for (auto* c : {alice.get(), bob.get()}) {
    auto push = c->next_push("msg");
    ASSERT_TRUE(push);
    EXPECT_EQ((*push)["response"]["data"]["from"], "alice");
    EXPECT_EQ((*push)["response"]["data"]["target"], "");
  }
  EXPECT_TRUE(no_push_before_marker(*zed, "zed", "msg"));
}

}  // namespace
}  // namespace parley::test
