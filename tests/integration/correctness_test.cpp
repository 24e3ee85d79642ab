// The single-node defects found from outside (issue "Single node, made solid before the
// cluster"), each driven through a real node with real WebSocket and HTTP clients.
#include <caf/all.hpp>

#include "actors/auth/token.hpp"
#include "actors/behaviours/behaviour_helpers.hpp"
#include "tests/integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class Correctness : public NodeFixture {
 protected:
  void SetUp() override { start(); }
};

// Frames in order as the client reads them (responses and pushes), parsed.
std::vector<json> frames(ws_client& c, size_t n, std::chrono::milliseconds each = 2000ms) {
  std::vector<json> out;
  while (out.size() < n) {
    auto f = c.next_frame(each);
    if (!f) break;
    out.push_back(json::parse(*f, nullptr, false));
  }
  return out;
}

std::vector<std::string> seqs(const std::vector<json>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.value("seq", ""));
  return out;
}

// --- 1. pipelined commands ------------------------------------------------------------

TEST_F(Correctness, RefusedFramesInABurstDoNotStallTheOnesBehindThem) {
  auto c = connect();
  // One burst: a login that goes to its behaviour (the connection is busy), then a login
  // refused on the spot (data is not an object) and two heartbeats queued behind it.
  c->send(R"({"seq":"1","cmd":"login","data":{"appID":101,"userID":"pipe"}})");
  c->send(R"({"seq":"2","cmd":"login","data":"not an object"})");
  c->send(R"({"seq":"3","cmd":"heartbeat","data":{}})");
  c->send(R"({"seq":"4","cmd":"heartbeat","data":{}})");
  auto got = frames(*c, 4);
  ASSERT_EQ(seqs(got), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(code_of(got[0]), 200);
  EXPECT_EQ(code_of(got[1]), 1001);
  EXPECT_EQ(code_of(got[2]), 200);
  EXPECT_EQ(code_of(got[3]), 200);
}

TEST_F(Correctness, UnknownAndAnonymousCommandsInABurstKeepTheirOrder) {
  auto c = connect();
  c->send(R"({"seq":"1","cmd":"ping"})");
  c->send(R"({"seq":"2","cmd":"nope"})");
  c->send(R"({"seq":"3","cmd":"heartbeat"})");
  c->send("{bad json");
  c->send(R"({"seq":"5","cmd":"ping"})");
  auto got = frames(*c, 5);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(seqs(got), (std::vector<std::string>{"1", "2", "3", "", "5"}));
  EXPECT_EQ(code_of(got[1]), 1010);
  EXPECT_EQ(code_of(got[2]), 1000);
  EXPECT_EQ(code_of(got[3]), 1001);
}

// --- 2. de-duplication ------------------------------------------------------------------

// Without a store (with one, the first attempt is kept for bob: Storage.ARetryOfAKept…).
TEST(CorrectnessStoreOff, RetryAfterDeliveredFalseIsDelivered) {
  NodeFixtureAccess f;
  f.start_with([](node_config& c) { c.store = "off"; });
  auto alice = f.login(101, "alice");
  auto first = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "hi"}, {"msgID", "m1"}});
  EXPECT_EQ(first["response"]["data"]["delivered"], false);
  auto bob = f.login(101, "bob");
  auto retry = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "hi"}, {"msgID", "m1"}});
  EXPECT_EQ(retry["response"]["data"]["delivered"], true);
  EXPECT_FALSE(retry["response"]["data"].contains("duplicate"));
  auto push = bob->next_push("msg");
  ASSERT_TRUE(push);
  EXPECT_EQ((*push)["response"]["data"]["msgID"], "m1");
}

TEST_F(Correctness, RetryAfterARefusalIsANewAttempt) {
  auto alice = user(101, "alice");
  auto refused = alice->request("sendGroup", {{"group", "g"}, {"msg", "x"}, {"msgID", "g1"}});
  EXPECT_EQ(code_of(refused), 1003);  // not a member yet
  alice->request("join", {{"group", "g"}});
  auto retry = alice->request("sendGroup", {{"group", "g"}, {"msg", "x"}, {"msgID", "g1"}});
  EXPECT_EQ(code_of(retry), 200);
  EXPECT_EQ(retry["response"]["data"]["recipients"], 1);
  EXPECT_FALSE(retry["response"]["data"].contains("duplicate"));
  ASSERT_TRUE(alice->next_push("msg"));
}

TEST_F(Correctness, ADuplicateReplaysTheFirstResultAndIsNotDeliveredAgain) {
  auto alice = user(101, "alice");
  auto bob = user(101, "bob");
  auto first = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "once"}, {"msgID", "d1"}});
  auto again = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "once"}, {"msgID", "d1"}});
  EXPECT_EQ(again["response"]["data"]["delivered"], true);
  EXPECT_EQ(again["response"]["data"]["msgID"], "d1");
  EXPECT_EQ(again["response"]["data"]["duplicate"], true);
  auto push = bob->next_push("msg");
  ASSERT_TRUE(push);
  EXPECT_EQ((*push)["response"]["data"]["msgID"], "d1");
  EXPECT_TRUE(no_push_before_marker(*bob, "bob", "msg"));  // no second copy of d1
  // The same msgID from another sender is another message.
  auto carol = user(101, "carol");
  auto other = carol->request("sendMessage", {{"userID", "bob"}, {"msg", "mine"}, {"msgID", "d1"}});
  EXPECT_FALSE(other["response"]["data"].contains("duplicate"));
}

TEST_F(Correctness, LongMsgIdIsRefused) {
  auto alice = user(101, "alice");
  auto r = alice->request("sendMessage", {{"userID", "alice"}, {"msg", "x"}, {"msgID", std::string(65, 'i')}});
  EXPECT_EQ(code_of(r), 1001);
  r = alice->request("sendMessage", {{"userID", "alice"}, {"msg", "x"}, {"msgID", std::string(64, 'i')}});
  EXPECT_EQ(code_of(r), 200);
}

// --- 7. one big push, paged lists -------------------------------------------------------

TEST_F(Correctness, AMessageTooBigForTheRecipientIsRefusedToTheSender) {
  auto bob = user(101, "bob");
  std::string big(900 * 1024, 'b');  // fits the HTTP body limit, not a recipient's queue
  auto r = http_call(port(), "POST", "/user/sendMessage",
                     json{{"appID", 101}, {"userID", "bob"}, {"message", big}}.dump(), "application/json");
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(r.json_body()["code"], 1001);
  EXPECT_EQ(code_of(bob->request("ping")), 200);  // bob is still connected
  EXPECT_FALSE(bob->closed());
}

TEST_F(Correctness, UsersIsPagedWithACursorAndCountsEveryone) {
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 25; ++i) clients.push_back(user(103, "u" + std::to_string(100 + i)));
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    json data{{"limit", 10}};
    if (!cursor.empty()) data["cursor"] = cursor;
    auto r = clients[0]->request("users", data)["response"]["data"];
    EXPECT_EQ(r["userCount"], 25);
    EXPECT_LE(r["userList"].size(), 10u);
    for (const auto& id : r["userList"]) seen.push_back(id);
    if (!r.contains("nextCursor")) break;
    cursor = r["nextCursor"];
  }
  std::vector<std::string> want;
  for (int i = 0; i < 25; ++i) want.push_back("u" + std::to_string(100 + i));
  EXPECT_EQ(seen, want);  // every user once, in id order
  auto http = http_call(port(), "GET", "/user/list?appID=103&limit=10").json_body();
  EXPECT_EQ(http["data"]["userCount"], 25);
  EXPECT_EQ(http["data"]["userList"].size(), 10u);
  EXPECT_EQ(http["data"]["nextCursor"], "u109");
}

// --- 5. supervision ---------------------------------------------------------------------

// Test-only behaviours: `crash` throws while {"throw": true}; `die` kills its connection.
std::vector<behaviour_spec> faulty_behaviours() {
  behaviour_spec crash{"crash", true, true, [](caf::event_based_actor*, behaviour_context) {
                         return caf::behavior{[](handle_atom, const command& c) -> command_result {
                           if (c.data->value("throw", false)) throw std::runtime_error("on demand");
                           return behaviours::reply_ok("alive");
                         }};
                       }};
  behaviour_spec die{"die", true, true, [](caf::event_based_actor* self, behaviour_context) {
                       return caf::behavior{[=](handle_atom, const command& c) -> command_result {
                         self->send_exit(c.connection, caf::exit_reason::kill);
                         return behaviours::reply_ok();
                       }};
                     }};
  return {crash, die};
}

class Supervision : public NodeFixture {
 protected:
  void SetUp() override {
    extra_behaviours_ = faulty_behaviours();
    start();
  }
};

TEST_F(Supervision, ACrashedBehaviourAnswers1004AndIsRestarted) {
  auto alice = user(101, "alice");
  EXPECT_EQ(alice->request("crash", {{"throw", false}})["response"]["data"], "alive");
  auto crashed = alice->request("crash", {{"throw", true}}, 3000ms);  // answered, not hung
  EXPECT_EQ(code_of(crashed), 1004);
  EXPECT_TRUE(eventually([&] {
    return code_of(alice->request("crash", {{"throw", false}})) == 200;
  }));
  EXPECT_EQ(code_of(alice->request("heartbeat")), 200);  // the connection is in step
}

TEST_F(Supervision, ADeadConnectionActorClosesItsSocketWith1011) {
  auto alice = user(101, "alice");
  alice->send(R"({"seq":"d","cmd":"die","data":{}})");
  EXPECT_EQ(alice->wait_closed(5000ms), 1011);
  EXPECT_TRUE(eventually([&] { return stats().connections == 0; }));  // the slot is free
  auto bob = user(101, "bob");  // the node goes on
  EXPECT_EQ(code_of(bob->request("ping")), 200);
}

TEST(SupervisionLimit, PastItsRestartIntensityABehaviourStaysDown) {
  NodeFixtureAccess node;
  node.extra_behaviours_ = faulty_behaviours();
  node.start_with([](node_config& c) {
    c.behaviour_max_restarts = 2;
    c.behaviour_restart_window = 60;
  });
  auto alice = node.login(101, "alice");
  for (int crash = 0; crash < 3; ++crash) {
    EXPECT_EQ(code_of(alice->request("crash", {{"throw", true}})), 1004);
    if (crash < 2)  // restarted: alive again
      EXPECT_TRUE(eventually([&] { return code_of(alice->request("crash", {{"throw", false}})) == 200; }));
  }
  // The third crash passed the intensity (2 in 60 s): the cmd answers 1004 from now on.
  EXPECT_TRUE(eventually([&] { return node.stats().behaviour_restarts_total == 2; }));
  EXPECT_EQ(code_of(alice->request("crash", {{"throw", false}})), 1004);
  EXPECT_EQ(code_of(alice->request("ping")), 200);  // every other cmd is unaffected
}

// --- 10. one decimal parser ---------------------------------------------------------------

TEST(UpgradeParsing, AnAppIdPastUint32IsNotTruncated) {
  NodeFixtureAccess node;
  node.start_with([](node_config& c) { c.auth_secret = "s3cret"; });
  auto token = auth::sign_token("s3cret", 101, "alice", static_cast<int64_t>(std::time(nullptr)) + 600);
  // 4294967397 = 2^32 + 101: a parser that wraps would take it for app 101 and accept.
  ws_client c;
  unsigned status = 0;
  EXPECT_FALSE(c.connect(node.port(), "/acc?appID=4294967397&userID=alice&token=" + token, &status));
  EXPECT_EQ(status, 403u);
  ws_client ok;
  EXPECT_TRUE(ok.connect(node.port(), "/acc?appID=101&userID=alice&token=" + token));
}

}  // namespace
}  // namespace parley::test
