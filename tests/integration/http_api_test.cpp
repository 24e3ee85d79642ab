// The HTTP API against a real node, with real WebSocket clients on the receiving end.
#include "tests/integration/node_fixture.hpp"

namespace parley::test {
namespace {

class HttpApi : public NodeFixture {
 protected:
  void SetUp() override { start(); }
};

TEST_F(HttpApi, UserListAndOnline) {
  auto alice = user(101, "alice");
  auto list = http_call(port(), "GET", "/user/list?appID=101").json_body();
  EXPECT_EQ(list["code"], 200);
  EXPECT_EQ(list["data"]["userCount"], 1);
  EXPECT_EQ(list["data"]["userList"][0], "alice");
  EXPECT_EQ(http_call(port(), "GET", "/user/online?appId=101&userId=alice").json_body()["data"]["online"], true);
  EXPECT_EQ(http_call(port(), "GET", "/user/online?appID=101&userID=bob").json_body()["data"]["online"], false);
}

TEST_F(HttpApi, BackendPushReachesTheClientOnceperMsgID) {
  auto alice = user(101, "alice");
  auto r = http_call(port(), "POST", "/user/sendMessage", "appID=101&userID=alice&msgID=b1&message=hello%20there");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json_body()["data"]["sendResults"], true);
  auto again = http_call(port(), "POST", "/user/sendMessage", "appID=101&userID=alice&msgID=b1&message=hello%20there");
  EXPECT_EQ(again.json_body()["data"]["duplicate"], true);
  http_call(port(), "POST", "/user/sendMessage", R"({"appID":101,"userID":"alice","msgID":"b2","message":"json body"})", "application/json");
  auto first = alice->next_push("msg");
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)["response"]["data"]["msg"], "hello there");
  auto second = alice->next_push("msg");
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)["response"]["data"]["msg"], "json body");
}

TEST_F(HttpApi, SendAllAndGroupRoutes) {
  auto alice = user(101, "alice");
  auto bob = user(101, "bob");
  auto other = user(102, "zed");
  auto all = http_call(port(), "POST", "/user/sendMessageAll", "appID=101&userID=admin&msgID=a1&message=notice");
  EXPECT_EQ(all.json_body()["data"]["recipients"], 2);
  for (auto* c : {alice.get(), bob.get()}) {
    auto push = c->next_push("msg");
    ASSERT_TRUE(push);
    EXPECT_EQ((*push)["response"]["data"]["from"], "admin");
  }
  EXPECT_TRUE(no_push_before_marker(*other, "zed", "msg"));  // another app
  alice->request("join", {{"group", "ops"}});
  auto members = http_call(port(), "GET", "/group/members?appID=101&group=ops").json_body();
  EXPECT_EQ(members["data"]["members"], json::array({"alice"}));
  auto sent = http_call(port(), "POST", "/group/send", "appID=101&group=ops&userID=pager&message=disk%20full&type=text&msgID=p1");
  EXPECT_EQ(sent.json_body()["data"]["recipients"], 1);
  auto push = alice->next_push("msg");
  ASSERT_TRUE(push);
  EXPECT_EQ((*push)["response"]["data"]["msg"], "disk full");
}

TEST_F(HttpApi, BadRequestsGet400AndCorsIsPermissive) {
  EXPECT_EQ(http_call(port(), "GET", "/user/list").status, 400u);
  EXPECT_EQ(http_call(port(), "GET", "/user/list?appID=x").status, 400u);
  EXPECT_EQ(http_call(port(), "GET", "/user/list?appID=999").json_body()["code"], 1003);
  EXPECT_EQ(http_call(port(), "POST", "/user/sendMessage", "appID=101").status, 400u);
  EXPECT_EQ(http_call(port(), "POST", "/user/sendMessage", "{broken", "application/json").status, 400u);
  EXPECT_EQ(http_call(port(), "GET", "/user/sendMessage").status, 405u);
  EXPECT_EQ(http_call(port(), "GET", "/no/such/route").status, 404u);
  EXPECT_EQ(http_call(port(), "OPTIONS", "/user/sendMessage").status, 204u);
}

TEST_F(HttpApi, ConsoleRoutesListTopGroupsAndRecentCloses) {
  auto a = user(101, "a");
  auto b = user(101, "b");
  a->request("join", {{"group", "big"}});
  b->request("join", {{"group", "big"}});
  a->request("join", {{"group", "small"}});
  ASSERT_TRUE(eventually([&] {
    auto groups = http_call(port(), "GET", "/system/groups?limit=1").json_body()["data"]["groups"];
    return groups.size() == 1 && groups[0]["group"] == "big" && groups[0]["members"] == 2;
  }));
  EXPECT_EQ(http_call(port(), "GET", "/system/groups?limit=x").status, 400u);
  b->close();
  ASSERT_TRUE(eventually([&] {
    auto closes = http_call(port(), "GET", "/system/closes").json_body()["data"]["closes"];
    return closes.size() == 1 && closes[0]["reason"] == "client";
  }));
}

TEST_F(HttpApi, StateAndMetricsReportTheNode) {
  auto alice = user(101, "alice");
  alice->request("join", {{"group", "g"}});
  ASSERT_TRUE(eventually([&] { return stats().live(actor_kind::group) == 1; }));
  auto state = http_call(port(), "GET", "/system/state?isDebug=true").json_body()["data"];
  EXPECT_EQ(state["connections"], 1);
  EXPECT_EQ(state["users"], 1);
  EXPECT_EQ(state["groups"], 1);
  EXPECT_EQ(state["actors"]["connection"], 1);
  EXPECT_GE(state["frames"]["in"].get<int>(), 2);
  EXPECT_GT(state["process"]["rssBytes"].get<int64_t>(), 0);
  for (auto key : {"uptimeSeconds", "bytes", "pushes", "closes"}) EXPECT_TRUE(state.contains(key)) << key;
  auto metrics = http_call(port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("parley_gateway_connections 1"), std::string::npos);
  EXPECT_NE(metrics.find("parley_actors{kind=\"user\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("parley_gateway_closes_total{reason=\"slow_reader\"}"), std::string::npos);
}

}  // namespace
}  // namespace parley::test
