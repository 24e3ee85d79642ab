// Profiles (display name, avatar) on one node: given at login or set by the backend over
// HTTP, kept in the store, carried in the login reply, `enter` pushes and `users` replies;
// bad names and URLs refused with the reason. Real node, real WebSocket and HTTP clients.
#include "tests/integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class Profiles : public NodeFixture {
 protected:
  void SetUp() override { start(); }

  json login_with(ws_client& c, uint32_t app, const std::string& id, const json& fields) {
    auto data = fields;
    data["appID"] = app;
    data["userID"] = id;
    return c.request("login", data);
  }
};

TEST_F(Profiles, ANameAndAvatarGivenAtLoginReachTheOthersAndTheUserList) {
  auto alice = user(101, "alice");
  auto bob = connect();
  auto r = login_with(*bob, 101, "bob",
                      {{"name", "Bob <b>Builder</b> ✓"}, {"avatar", "https://img.example/b.png"}});
  ASSERT_EQ(code_of(r), 200) << r.dump();
  EXPECT_EQ(r["response"]["data"]["name"], "Bob <b>Builder</b> ✓");
  EXPECT_EQ(r["response"]["data"]["avatar"], "https://img.example/b.png");
  auto enter = alice->next_push("enter");
  ASSERT_TRUE(enter);
  EXPECT_EQ((*enter)["response"]["data"]["userID"], "bob");
  EXPECT_EQ((*enter)["response"]["data"]["name"], "Bob <b>Builder</b> ✓");
  EXPECT_EQ((*enter)["response"]["data"]["avatar"], "https://img.example/b.png");
  auto list = alice->request("users");
  ASSERT_EQ(code_of(list), 200) << list.dump();
  EXPECT_EQ(list["response"]["data"]["userList"], json({"alice", "bob"}));
  EXPECT_EQ(list["response"]["data"]["profiles"],
            json({{"bob", {{"name", "Bob <b>Builder</b> ✓"}, {"avatar", "https://img.example/b.png"}}}}));
}

TEST_F(Profiles, AProfileIsKeptForTheNextLoginAndAFieldGivenLaterReplacesOnlyItself) {
  {
    auto bob = connect();
    ASSERT_EQ(code_of(login_with(*bob, 101, "bob", {{"name", "Bob"}, {"avatar", "http://a/1.png"}})), 200);
  }
  ASSERT_TRUE(eventually([&] { return stats().live(actor_kind::user) == 0; }));
  auto again = connect();
  auto r = login_with(*again, 101, "bob", json::object());
  EXPECT_EQ(r["response"]["data"]["name"], "Bob");
  EXPECT_EQ(r["response"]["data"]["avatar"], "http://a/1.png");
  auto set = again->request("profile", {{"name", "Robert"}});
  ASSERT_EQ(code_of(set), 200) << set.dump();
  EXPECT_EQ(set["response"]["data"], json({{"userID", "bob"}, {"name", "Robert"}, {"avatar", "http://a/1.png"}}));
  auto cleared = again->request("profile", {{"avatar", ""}});
  EXPECT_EQ(cleared["response"]["data"], json({{"userID", "bob"}, {"name", "Robert"}, {"avatar", ""}}));
  // Profiles belong to an appID.
  auto other = user(102, "bob");
  EXPECT_EQ(other->request("profile")["response"]["data"]["name"], "");
}

TEST_F(Profiles, TheBackendSetsAndReadsAProfileOverHttp) {
  auto set = http_call(port(), "POST", "/user/profile",
                       "appID=101&userID=carol&name=Carol%20C&avatar=https%3A%2F%2Fx.example%2Fc.jpg");
  ASSERT_EQ(set.status, 200u) << set.body;
  EXPECT_EQ(set.json_body()["data"]["name"], "Carol C");
  auto got = http_call(port(), "GET", "/user/profile?appID=101&userID=carol");
  ASSERT_EQ(got.status, 200u) << got.body;
  EXPECT_EQ(got.json_body()["data"],
            json({{"userID", "carol"}, {"name", "Carol C"}, {"avatar", "https://x.example/c.jpg"}}));
  // The user who logs in later has it, and the others see it.
  auto alice = user(101, "alice");
  auto carol = user(101, "carol");
  auto enter = alice->next_push("enter");
  ASSERT_TRUE(enter);
  EXPECT_EQ((*enter)["response"]["data"]["name"], "Carol C");
  auto bad = http_call(port(), "POST", "/user/profile", "appID=101&userID=carol&avatar=javascript%3Aalert(1)");
  EXPECT_EQ(bad.json_body()["code"], 1001) << bad.body;
}

TEST_F(Profiles, BadNamesAndUrlsAreRefusedWithTheReason) {
  const std::vector<json> bad = {
      {{"name", std::string(65, 'n')}},
      {{"name", "tab\there"}},
      {{"name", 7}},
      {{"avatar", "javascript:alert(1)"}},
      {{"avatar", "data:image/png;base64,AAAA"}},
      {{"avatar", "https://"}},
      {{"avatar", "https://x.example/a b.png"}},
      {{"avatar", "https://x.example/\"onerror=\"x"}},
      {{"avatar", "https://x.example/" + std::string(600, 'a')}},
  };
  for (const auto& fields : bad) {
    auto c = connect();
    auto r = login_with(*c, 101, "eve", fields);
    EXPECT_EQ(code_of(r), 1001) << fields.dump() << " " << r.dump();
    EXPECT_FALSE(r["response"]["codeMsg"].get<std::string>().empty());
  }
  auto ok = user(101, "eve");
  EXPECT_EQ(code_of(ok->request("profile", {{"avatar", "ftp://x.example/a.png"}})), 1001);
  EXPECT_EQ(ok->request("profile")["response"]["data"]["avatar"], "");
}

TEST_F(Profiles, PresenceSubscribersGetTheProfilesOfThoseWhoEntered) {
  auto a = user(101, "a");
  ASSERT_EQ(code_of(a->request("presence", {{"subscribe", true}})), 200);
  auto dana = connect();
  ASSERT_EQ(code_of(login_with(*dana, 101, "dana", {{"name", "Dana"}, {"avatar", "https://x.example/d.png"}})), 200);
  auto plain = user(101, "plain");
  json entered = json::array(), profiles = json::object();
  while (entered.size() < 2) {
    auto delta = a->next_push("presence");
    ASSERT_TRUE(delta);
    for (const auto& u : (*delta)["response"]["data"]["enter"]) entered.push_back(u);
    auto got = (*delta)["response"]["data"].value("profiles", json::object());
    for (const auto& [k, v] : got.items()) profiles[k] = v;
  }
  EXPECT_EQ(profiles, json({{"dana", {{"name", "Dana"}, {"avatar", "https://x.example/d.png"}}}}));
}

}  // namespace
}  // namespace parley::test
