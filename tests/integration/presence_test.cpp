// Presence policies against a real node (docs/protocol.md "Presence"): auto switches from
// enter/exit lists to `online` counts above presence_list_max and back below 3/4 of it;
// count and off modes, per-app overrides; explicit subscribers get batched net deltas.
#include "tests/integration/node_fixture.hpp"

#include <thread>

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class PresenceNode : public NodeFixtureAccess {
 public:
  using NodeFixture::connect;
};

// The next `online` push with this count (older ones skipped), or nullopt.
std::optional<json> online_with(ws_client& c, uint32_t count) {
  for (;;) {
    auto p = c.next_push("online");
    if (!p) return std::nullopt;
    if ((*p)["response"]["data"]["count"] == count) return p;
  }
}

TEST(Presence, AutoListsWhileSmallCountsAboveTheMaxAndListsAgainBelowThreeQuarters) {
  NodeFixtureAccess node;
  node.start_with([](node_config& c) {
    c.presence_list_max = 4;
    c.presence_interval_ms = 50;
  });
  auto a = node.login(101, "a");
  auto b = node.login(101, "b");
  auto c = node.login(101, "c");
  auto d = node.login(101, "d");  // 4 users: still lists
  for (const char* who : {"b", "c", "d"}) {
    auto e = a->next_push("enter");
    ASSERT_TRUE(e);
    EXPECT_EQ((*e)["response"]["data"]["userID"], who);
  }
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(no_push_before_marker(*a, "a", "online"));  // small: no counts at all
  auto e = node.login(101, "e");  // 5 > 4: counts
  auto f = node.login(101, "f");
  EXPECT_TRUE(no_push_before_marker(*a, "a", "enter"));
  for (auto* client : {a.get(), b.get(), e.get(), f.get()}) {
    auto online = online_with(*client, 6);
    ASSERT_TRUE(online) << "every user learns the count";
    EXPECT_EQ((*online)["response"]["data"]["lists"], false);
    EXPECT_EQ((*online)["response"]["data"]["appID"], 101);
  }
  f->close();
  ASSERT_TRUE(online_with(*a, 5));
  EXPECT_TRUE(no_push_before_marker(*a, "a", "exit"));  // counts: no exit push
  e->close();  // 4 users, still counts (lists again at 3)
  ASSERT_TRUE(online_with(*a, 4));
  d->close();  // 3: lists again, and clients are told so
  auto back = online_with(*a, 3);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)["response"]["data"]["lists"], true);
  auto d_left = a->next_push("exit");  // d's exit brought lists back: it is pushed
  ASSERT_TRUE(d_left);
  EXPECT_EQ((*d_left)["response"]["data"]["userID"], "d");
  auto list = a->request("users");
  EXPECT_EQ(list["response"]["data"]["userList"], json({"a", "b", "c"}));
  c->close();
  auto exit = a->next_push("exit");
  ASSERT_TRUE(exit);
  EXPECT_EQ((*exit)["response"]["data"]["userID"], "c");
}

TEST(Presence, CountModeAndPerAppOverrides) {
  NodeFixtureAccess node;
  node.start_with([](node_config& c) {
    c.presence = "count,102=off,103=list";
    c.presence_list_max = 1;
    c.presence_interval_ms = 50;
  });
  auto a = node.login(101, "a");
  auto b = node.login(101, "b");
  ASSERT_TRUE(online_with(*a, 2));
  ASSERT_TRUE(online_with(*b, 2));
  EXPECT_TRUE(no_push_before_marker(*a, "a", "enter"));

  auto x = node.login(102, "x");
  auto y = node.login(102, "y");
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(no_push_before_marker(*x, "x", "enter"));
  EXPECT_TRUE(no_push_before_marker(*x, "x", "online"));

  auto p = node.login(103, "p");  // list: enter/exit past presence_list_max too
  auto q = node.login(103, "q");
  auto r = node.login(103, "r");
  ASSERT_TRUE(p->next_push("enter"));
  ASSERT_TRUE(p->next_push("enter"));
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(no_push_before_marker(*p, "p", "online"));
}

TEST(Presence, SubscribersGetASnapshotThenEachIntervalsNetChanges) {
  PresenceNode node;
  node.start_with([](node_config& c) {
    c.presence = "off";  // subscriptions work whatever the mode
    c.presence_interval_ms = 50;
  });
  auto a = node.login(101, "a");
  auto b = node.login(101, "b");
  auto snap = a->request("presence", {{"subscribe", true}});
  ASSERT_EQ(code_of(snap), 200) << snap.dump();
  EXPECT_EQ(snap["response"]["data"]["userList"], json({"a", "b"}));
  EXPECT_EQ(snap["response"]["data"]["count"], 2);
  EXPECT_EQ(snap["response"]["data"]["subscribed"], true);

  auto c = node.login(101, "c");
  auto delta = a->next_push("presence");
  ASSERT_TRUE(delta);
  EXPECT_EQ((*delta)["response"]["data"]["enter"], json({"c"}));
  EXPECT_EQ((*delta)["response"]["data"]["exit"], json::array());
  EXPECT_EQ((*delta)["response"]["data"]["count"], 3);

  b->close();
  delta = a->next_push("presence");
  ASSERT_TRUE(delta);
  EXPECT_EQ((*delta)["response"]["data"]["exit"], json({"b"}));
  EXPECT_EQ((*delta)["response"]["data"]["count"], 2);

  EXPECT_EQ(code_of(a->request("presence", {{"subscribe", "yes"}})), 1001);
  EXPECT_EQ(code_of(a->request("presence", {{"subscribe", false}})), 200);
  auto d = node.login(101, "d");
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(no_push_before_marker(*a, "a", "presence"));
  EXPECT_EQ(code_of(node.connect()->request("presence")), 1000);  // login first
}

}  // namespace
}  // namespace parley::test
