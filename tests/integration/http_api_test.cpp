// The HTTP API against a real node, with real WebSocket clients on the receiving end.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gateway/http_router.hpp"
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

// Static files come from webui_dir and nowhere else, however the path is spelled. The
// secret sits beside the web UI directory, its name starting with the directory's: a path
// without a leading '/' would reach it by plain concatenation.
TEST(StaticFiles, CannotBeReadOutsideTheWebUiDirectory) {
  namespace fs = std::filesystem;
  auto root = fs::temp_directory_path() / ("parley-static-" + std::to_string(::getpid()));
  fs::create_directories(root / "webui" / "sub");
  std::ofstream(root / "webui" / "index.html") << "<p>index</p>";
  std::ofstream(root / "webui" / "sub" / "page.html") << "<p>page</p>";
  std::ofstream(root / "webui" / "with space.html") << "<p>space</p>";
  std::ofstream(root / "webui-secret.txt") << "SECRET";
  std::ofstream(root / "secret.txt") << "SECRET";
  NodeFixtureAccess node;
  node.start_with([&](node_config& c) { c.webui_dir = (root / "webui").string(); });
  EXPECT_EQ(http_call(node.port(), "GET", "/").body, "<p>index</p>");
  EXPECT_EQ(http_call(node.port(), "GET", "/sub/page.html").body, "<p>page</p>");
  EXPECT_EQ(http_call(node.port(), "GET", "/with%20space.html").body, "<p>space</p>");
  for (std::string target :
       {"/../secret.txt", "/../webui-secret.txt", "-secret.txt", "../secret.txt",
        "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt",
        "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/%252e%252e/secret.txt",
        "/index.html%00", "/%00/../secret.txt", "/sub", "/.", "//", "/./../secret.txt",
        "/..\\secret.txt", "http://127.0.0.1/../secret.txt"}) {
    auto r = http_call(node.port(), "GET", target);
    EXPECT_TRUE(r.status == 404u || r.status == 400u) << target << " -> " << r.status;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << target;
  }
  node.stop();
  fs::remove_all(root);
}

// Under an API key every API route refuses a call without it (401) and answers one with it;
// the list of routes is the router's own, so a route added later is covered too.
TEST(ApiKey, EveryApiRouteNeedsIt) {
  NodeFixtureAccess node;
  node.start_with([](node_config& c) { c.api_key = "k3y"; });
  auto routes = node.node_->router().api_routes();
  ASSERT_GE(routes.size(), 10u);
  for (const auto& [method, path] : routes) {
    auto verb = std::string(boost::beast::http::to_string(method));
    EXPECT_EQ(http_call(node.port(), verb, path + "?appID=101").status, 401u) << verb << " " << path;
    EXPECT_EQ(http_call(node.port(), verb, path + "?appID=101", "", "",
                        {"Authorization: Bearer k3y-wrong"}).status, 401u) << verb << " " << path;
    auto ok = http_call(node.port(), verb, path + "?appID=101", "", "", {"Authorization: Bearer k3y"});
    EXPECT_NE(ok.status, 401u) << verb << " " << path;
    EXPECT_NE(ok.status, 404u) << verb << " " << path;
  }
  EXPECT_NE(http_call(node.port(), "GET", "/").status, 401u);  // the web UI needs no key
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

// Counters past a million keep every digit (an ostream's default 6 digits printed 1.23457e+06,
// and a rate computed from two scrapes saw a counter stand still).
TEST_F(HttpApi, MetricsPrintLargeCountersExactly) {
  stats().bytes_out_total.fetch_add(1234567891234ull);
  stats().http_requests_total.fetch_add(1000001);
  auto metrics = http_call(port(), "GET", "/metrics").body;
  auto line = [&](const std::string& name) {
    auto at = metrics.find("\n" + name + " ");
    if (at == std::string::npos) return std::string("missing");
    auto from = at + name.size() + 2;
    return metrics.substr(from, metrics.find('\n', from) - from);
  };
  EXPECT_EQ(line("parley_gateway_bytes_out_total").rfind("12345678", 0), 0u) << line("parley_gateway_bytes_out_total");
  EXPECT_EQ(line("parley_gateway_bytes_out_total").find_first_not_of("0123456789"), std::string::npos);
  EXPECT_GE(std::stoull(line("parley_gateway_bytes_out_total")), 1234567891234ull);
  EXPECT_EQ(line("parley_http_requests_total").find_first_not_of("0123456789"), std::string::npos)
      << line("parley_http_requests_total");
}

}  // namespace
}  // namespace parley::test
