// Message storage on one node (store: memory, the default): server ids in pushes and answers,
// offline delivery at login, history pages, and store: off. Real node, real WebSocket and
// HTTP clients.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "tests/integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class Storage : public NodeFixture {
 protected:
  void SetUp() override { start(); }
};

// The `msg` pushes the client has received, in order, until `n` or a quiet second.
std::vector<json> messages(ws_client& c, size_t n) {
  std::vector<json> out;
  while (out.size() < n) {
    auto m = c.next_push("msg", 2000ms);
    if (!m) break;
    out.push_back((*m)["response"]["data"]);
  }
  return out;
}

TEST_F(Storage, AnOfflineUserGetsAThousandMessagesAtLoginCompleteInOrderOnceAndBeforeNewOnes) {
  auto alice = user(101, "alice");
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    auto r = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "m" + std::to_string(i)},
                                            {"msgID", "o" + std::to_string(i)}});
    ASSERT_EQ(code_of(r), 200) << r.dump();
    const auto& d = r["response"]["data"];
    ASSERT_EQ(d["delivered"], false);
    ASSERT_EQ(d["offline"], true);
    ASSERT_TRUE(d["id"].is_string());
    ids.push_back(d["id"]);
  }
  auto bob = user(101, "bob");
  // A new message right after the login: it comes after the kept ones.
  alice->request("sendMessage", {{"userID", "bob"}, {"msg", "new"}, {"msgID", "n1"}});
  auto got = messages(*bob, 1001);
  ASSERT_EQ(got.size(), 1001u);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(got[i]["msg"], "m" + std::to_string(i));
    ASSERT_EQ(got[i]["id"], ids[i]);
    ASSERT_EQ(got[i]["from"], "alice");
  }
  EXPECT_EQ(got[1000]["msg"], "new");
  EXPECT_TRUE(no_push_before_marker(*bob, "bob", "msg"));  // nothing twice
  // Exactly once: the next login of bob gets none of them again.
  bob.reset();
  ASSERT_TRUE(eventually([&] { return stats().live(actor_kind::user) == 1; }));
  auto again = user(101, "bob");
  EXPECT_TRUE(no_push_before_marker(*again, "bob", "msg"));
}

TEST_F(Storage, ARetryOfAKeptMessageIsADuplicateNotASecondCopy) {
  auto alice = user(101, "alice");
  auto first = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "hi"}, {"msgID", "k1"}});
  EXPECT_EQ(first["response"]["data"]["offline"], true);
  auto retry = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "hi"}, {"msgID", "k1"}});
  EXPECT_EQ(retry["response"]["data"]["duplicate"], true);
  EXPECT_EQ(retry["response"]["data"]["id"], first["response"]["data"]["id"]);
  auto bob = user(101, "bob");
  auto got = messages(*bob, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["msgID"], "k1");
  EXPECT_TRUE(no_push_before_marker(*bob, "bob", "msg"));
}

TEST_F(Storage, PushesAndAnswersCarryTheServerIdOfEveryKindOfConversation) {
  auto alice = user(101, "alice");
  auto bob = user(101, "bob");
  auto r = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "p"}});
  auto push = bob->next_push("msg");
  ASSERT_TRUE(push);
  EXPECT_EQ((*push)["response"]["data"]["id"], r["response"]["data"]["id"]);
  EXPECT_EQ((*push)["response"]["data"]["time"], r["response"]["data"]["time"]);
  alice->request("join", {{"group", "g"}});
  auto g = alice->request("sendGroup", {{"group", "g"}, {"msg", "in g"}});
  auto gp = alice->next_push("msg");
  ASSERT_TRUE(gp);
  EXPECT_TRUE(g["response"]["data"]["id"].is_string());
  EXPECT_EQ((*gp)["response"]["data"]["id"], g["response"]["data"]["id"]);
  auto a = alice->request("sendAll", {{"msg", "everyone"}});
  auto ap = bob->next_push("msg");
  ASSERT_TRUE(ap);
  EXPECT_EQ((*ap)["response"]["data"]["id"], a["response"]["data"]["id"]);
}

TEST_F(Storage, HistoryPagesCoverAPairExactlyOnceNewestFirstFromBothSides) {
  auto alice = user(101, "alice");
  auto bob = user(101, "bob");
  for (int i = 0; i < 130; ++i) {
    auto& from = i % 2 ? bob : alice;
    from->request("sendMessage", {{"userID", i % 2 ? "alice" : "bob"}, {"msg", std::to_string(i)}});
  }
  alice->request("sendMessage", {{"userID", "carol"}, {"msg", "another conversation"}});
  for (auto* reader : {alice.get(), bob.get()}) {
    std::vector<std::string> seen;
    json page_data = {{"with", reader == alice.get() ? "bob" : "alice"}, {"limit", 40}};
    for (int pages = 0; pages < 10; ++pages) {
      auto r = reader->request("history", page_data);
      ASSERT_EQ(code_of(r), 200) << r.dump();
      for (auto& m : r["response"]["data"]["messages"]) seen.push_back(m["msg"]);
      if (!r["response"]["data"]["more"].get<bool>()) break;
      page_data["before"] = r["response"]["data"]["nextBefore"];
    }
    ASSERT_EQ(seen.size(), 130u);
    for (int i = 0; i < 130; ++i) EXPECT_EQ(seen[i], std::to_string(129 - i));
  }
}

TEST_F(Storage, GroupHistoryIsForMembersAndBadRequestsSayWhy) {
  auto alice = user(101, "alice");
  auto carol = user(101, "carol");
  alice->request("join", {{"group", "team"}});
  alice->request("sendGroup", {{"group", "team"}, {"msg", "secret plan"}});
  auto member = alice->request("history", {{"group", "team"}});
  ASSERT_EQ(code_of(member), 200);
  ASSERT_EQ(member["response"]["data"]["messages"].size(), 1u);
  EXPECT_EQ(member["response"]["data"]["messages"][0]["msg"], "secret plan");
  EXPECT_EQ(code_of(carol->request("history", {{"group", "team"}})), 1003);
  // A non-member's send is refused and not in the history either.
  EXPECT_EQ(code_of(carol->request("sendGroup", {{"group", "team"}, {"msg", "intruder"}})), 1003);
  EXPECT_EQ(alice->request("history", {{"group", "team"}})["response"]["data"]["messages"].size(), 1u);
  EXPECT_EQ(code_of(alice->request("history", json::object())), 1001);
  EXPECT_EQ(code_of(alice->request("history", {{"with", "bob"}, {"group", "team"}})), 1001);
  EXPECT_EQ(code_of(alice->request("history", {{"with", "bob"}, {"limit", 101}})), 1001);
  EXPECT_EQ(code_of(alice->request("history", {{"with", "bob"}, {"before", "yesterday"}})), 1001);
  auto anonymous = connect();
  EXPECT_EQ(code_of(anonymous->request("history", {{"with", "bob"}})), 1000);
}

TEST_F(Storage, HttpHistoryReadsAPairOrAnyGroupForTheBackend) {
  auto alice = user(101, "alice");
  alice->request("sendMessage", {{"userID", "bob"}, {"msg", "one"}});
  alice->request("sendMessage", {{"userID", "bob"}, {"msg", "two"}});
  alice->request("join", {{"group", "g"}});
  alice->request("sendGroup", {{"group", "g"}, {"msg", "in g"}});
  auto pair = http_call(port(), "GET", "/history?appID=101&userID=bob&with=alice&limit=1").json_body();
  ASSERT_EQ(pair["code"], 200) << pair.dump();
  ASSERT_EQ(pair["data"]["messages"].size(), 1u);
  EXPECT_EQ(pair["data"]["messages"][0]["msg"], "two");
  EXPECT_EQ(pair["data"]["more"], true);
  auto older = http_call(port(), "GET", "/history?appID=101&userID=bob&with=alice&before=" +
                                            pair["data"]["nextBefore"].get<std::string>()).json_body();
  ASSERT_EQ(older["data"]["messages"].size(), 1u);
  EXPECT_EQ(older["data"]["messages"][0]["msg"], "one");
  auto group = http_call(port(), "GET", "/history?appID=101&userID=backend&group=g").json_body();
  ASSERT_EQ(group["data"]["messages"].size(), 1u);
  EXPECT_EQ(http_call(port(), "GET", "/history?appID=101&with=alice").status, 400u);
}

TEST(StorageOff, NoIdsNoHistoryAndAnOfflineUserMissesTheMessage) {
  NodeFixtureAccess f;
  f.start_with([](node_config& c) { c.store = "off"; });
  auto alice = f.login(101, "alice");
  auto r = alice->request("sendMessage", {{"userID", "bob"}, {"msg", "lost"}, {"msgID", "x1"}});
  EXPECT_EQ(r["response"]["data"]["delivered"], false);
  EXPECT_FALSE(r["response"]["data"].contains("id"));
  EXPECT_FALSE(r["response"]["data"].contains("offline"));
  EXPECT_EQ(code_of(alice->request("history", {{"with", "bob"}})), 1005);
  auto bob = f.login(101, "bob");
  EXPECT_TRUE(no_push_before_marker(*bob, "bob", "msg"));
  f.stop();
}


// The client's side of recovery: logs in with `since` and returns the login answer.
json login_since(ws_client& c, const std::string& user, const json& since) {
  return c.request("login", {{"appID", 101}, {"userID", user}, {"since", since}});
}

TEST_F(Storage, SinceRecoversAfterADroppedConnectionWithoutGapOrDuplicate) {
  auto alice = user(101, "alice");
  auto bob = user(101, "bob");
  for (int i = 0; i < 500; ++i)
    alice->request("sendMessage", {{"userID", "bob"}, {"msg", std::to_string(i)}});
  // bob reads 300 and loses the connection: what was still in flight is gone for him.
  auto first = messages(*bob, 300);
  ASSERT_EQ(first.size(), 300u);
  std::string last = first.back()["id"];
  bob.reset();
  ASSERT_TRUE(eventually([&] { return stats().live(actor_kind::user) == 1; }));
  for (int i = 500; i < 1000; ++i)
    alice->request("sendMessage", {{"userID", "bob"}, {"msg", std::to_string(i)}});
  auto again = connect();
  auto r = login_since(*again, "bob", {{"u:alice", last}});
  ASSERT_EQ(code_of(r), 200) << r.dump();
  EXPECT_EQ(r["response"]["data"]["recovery"]["u:alice"]["recovered"], true);
  EXPECT_EQ(r["response"]["data"]["recovery"]["u:alice"]["delivered"], 700);
  auto rest = messages(*again, 700);
  ASSERT_EQ(rest.size(), 700u);
  for (int i = 0; i < 700; ++i) ASSERT_EQ(rest[i]["msg"], std::to_string(300 + i)) << i;
  EXPECT_TRUE(no_push_before_marker(*again, "bob", "msg"));
}

TEST_F(Storage, SinceSaysWhenTheWindowNoLongerCoversTheGap) {
  node_.reset();
  start([](node_config& c) { c.history_private_window = 10; });
  auto alice = user(101, "alice");
  auto bob = user(101, "bob");
  alice->request("sendMessage", {{"userID", "bob"}, {"msg", "seen"}});
  auto seen = messages(*bob, 1);
  ASSERT_EQ(seen.size(), 1u);
  bob.reset();
  ASSERT_TRUE(eventually([&] { return stats().live(actor_kind::user) == 1; }));
  auto other = connect();  // bob on another device, so nothing is kept: only history
  other->login(101, "bob");
  for (int i = 0; i < 20; ++i) alice->request("sendMessage", {{"userID", "bob"}, {"msg", std::to_string(i)}});
  auto again = connect();
  auto r = login_since(*again, "bob", {{"u:alice", seen[0]["id"]}, {"room", "0-0"}});
  ASSERT_EQ(code_of(r), 200) << r.dump();
  EXPECT_EQ(r["response"]["data"]["recovery"]["u:alice"]["recovered"], false);  // 10 of 20 left
  EXPECT_EQ(r["response"]["data"]["recovery"]["u:alice"]["delivered"], 10);
  EXPECT_EQ(r["response"]["data"]["recovery"]["room"]["recovered"], true);
  auto got = messages(*again, 10);
  ASSERT_EQ(got.size(), 10u);
  EXPECT_EQ(got.front()["msg"], "10");
  for (const char* bad : {R"({"g:":"1-0"})", R"({"u:alice":"nope"})", R"("u:alice")", R"({"x":"1-0"})"}) {
    auto c = connect();
    EXPECT_EQ(code_of(login_since(*c, "bob", json::parse(bad))), 1001) << bad;
  }
}

// Group messages in `got` by sender: each sender's texts, in the order they came.
std::map<std::string, std::vector<std::string>> by_sender(const std::vector<json>& got) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& m : got) out[m["from"]].push_back(m["msg"]);
  return out;
}

// Server ids are "<ms>-<seq>" (docs/storage.md); true when `ids` increase strictly.
bool increasing(const std::vector<json>& got) {
  auto parse = [](const std::string& id) {
    auto dash = id.find('-');
    return std::make_pair(std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1)));
  };
  for (size_t i = 1; i < got.size(); ++i)
    if (!(parse(got[i - 1]["id"]) < parse(got[i]["id"]))) return false;
  return true;
}

std::vector<std::string> numbered(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(std::to_string(i));
  return out;
}

// A group conversation recovers as a private one does, also while the group is busy: what
// was said while the member was away, then what is said during the login, each once, each
// sender's in order. The member's re-join (persistent membership) and the recovery are one
// step for the socket.
TEST_F(Storage, SinceRecoversAGroupWhileItIsBusyWithoutGapOrDuplicate) {
  auto alice = user(101, "alice");
  auto carol = user(101, "carol");
  auto bob = user(101, "bob");
  for (auto* c : {alice.get(), carol.get(), bob.get()})
    ASSERT_EQ(code_of(c->request("join", {{"group", "team"}})), 200);
  for (int i = 0; i < 500; ++i)
    alice->request("sendGroup", {{"group", "team"}, {"msg", std::to_string(i)}});
  auto first = messages(*bob, 300);
  ASSERT_EQ(first.size(), 300u);
  std::string last = first.back()["id"];
  bob.reset();
  ASSERT_TRUE(eventually([&] { return stats().live(actor_kind::user) == 2; }));
  for (int i = 500; i < 1000; ++i)
    alice->request("sendGroup", {{"group", "team"}, {"msg", std::to_string(i)}});
  // carol talks all through bob's login.
  std::atomic<bool> logged_in{false};
  std::thread talker([&] {
    for (int i = 0; i < 300 || !logged_in; ++i)
      carol->request("sendGroup", {{"group", "team"}, {"msg", std::to_string(i)}});
  });
  auto again = connect();
  auto r = login_since(*again, "bob", {{"g:team", last}});
  logged_in = true;
  talker.join();
  ASSERT_EQ(code_of(r), 200) << r.dump();
  EXPECT_EQ(r["response"]["data"]["groups"], json::array({"team"}));
  EXPECT_EQ(r["response"]["data"]["recovery"]["g:team"]["recovered"], true);
  EXPECT_GE(r["response"]["data"]["recovery"]["g:team"]["delivered"].get<int>(), 700);
  auto carols = carol->request("history", {{"group", "team"}, {"limit", 1}});
  std::string newest = carols["response"]["data"]["messages"][0]["msg"];
  int said = std::stoi(newest) + 1;
  auto got = messages(*again, 700 + said);
  std::set<std::string> ids;
  for (const auto& m : got) ids.insert(m["id"].get<std::string>());
  EXPECT_EQ(ids.size(), got.size()) << "a message came twice";
  auto senders = by_sender(got);
  EXPECT_EQ(senders["alice"], numbered(300, 1000));
  EXPECT_EQ(senders["carol"], numbered(0, said));
  // The conversation's order, not only each sender's: what was recovered comes before what
  // the group pushed live during the login.
  EXPECT_TRUE(increasing(got)) << "not in the group's order";
  EXPECT_TRUE(no_push_before_marker(*again, "bob", "msg"));
}

// With another device of the user online (so the user is a member all along) the new device
// still gets the recovered messages first and none twice; a group the user is not in
// recovers nothing (and says so).
TEST_F(Storage, SinceRecoversAGroupForASecondDeviceAndNotForANonMember) {
  auto alice = user(101, "alice");
  auto phone = user(101, "bob");
  ASSERT_EQ(code_of(alice->request("join", {{"group", "team"}})), 200);
  ASSERT_EQ(code_of(alice->request("join", {{"group", "secret"}})), 200);
  ASSERT_EQ(code_of(phone->request("join", {{"group", "team"}})), 200);
  for (int i = 0; i < 100; ++i) {
    alice->request("sendGroup", {{"group", "team"}, {"msg", std::to_string(i)}});
    alice->request("sendGroup", {{"group", "secret"}, {"msg", "s" + std::to_string(i)}});
  }
  auto seen = messages(*phone, 100);
  ASSERT_EQ(seen.size(), 100u);
  std::atomic<bool> logged_in{false};
  std::thread talker([&] {
    for (int i = 100; i < 400 || !logged_in; ++i)
      alice->request("sendGroup", {{"group", "team"}, {"msg", std::to_string(i)}});
  });
  auto laptop = connect();
  auto r = login_since(*laptop, "bob", {{"g:team", seen[49]["id"]}, {"g:secret", "0-0"}});
  logged_in = true;
  talker.join();
  ASSERT_EQ(code_of(r), 200) << r.dump();
  EXPECT_EQ(r["response"]["data"]["recovery"]["g:secret"]["recovered"], false);
  EXPECT_EQ(r["response"]["data"]["recovery"]["g:secret"]["delivered"], 0);
  auto newest = alice->request("history", {{"group", "team"}, {"limit", 1}});
  int said = std::stoi(newest["response"]["data"]["messages"][0]["msg"].get<std::string>()) + 1;
  auto got = messages(*laptop, said - 50);
  auto senders = by_sender(got);
  EXPECT_EQ(senders["alice"], numbered(50, said));
  EXPECT_TRUE(increasing(got)) << "not in the group's order";
  EXPECT_TRUE(no_push_before_marker(*laptop, "bob", "msg"));
}


TEST_F(Storage, ReadStateIsSharedByDevicesAndWhatWasReadIsNotSentAgain) {
  auto alice = user(101, "alice");
  auto phone = user(101, "bob");
  for (int i = 0; i < 5; ++i) alice->request("sendMessage", {{"userID", "bob"}, {"msg", std::to_string(i)}});
  alice->request("join", {{"group", "g"}});
  phone->request("join", {{"group", "g"}});
  alice->request("sendGroup", {{"group", "g"}, {"msg", "group news"}});
  auto seen = messages(*phone, 6);
  ASSERT_EQ(seen.size(), 6u);
  auto before = phone->request("unread");
  ASSERT_EQ(code_of(before), 200) << before.dump();
  EXPECT_EQ(before["response"]["data"]["conversations"]["u:alice"]["count"], 5);
  EXPECT_EQ(before["response"]["data"]["conversations"]["g:g"]["count"], 1);
  // The phone has read the first three.
  auto a = phone->request("ack", {{"conversation", "u:alice"}, {"upTo", seen[2]["id"]}});
  ASSERT_EQ(code_of(a), 200) << a.dump();
  EXPECT_EQ(a["response"]["data"]["upTo"], seen[2]["id"]);
  // The laptop, which saw nothing, recovers from the start: only what was not read comes.
  auto laptop = connect();
  auto r = laptop->request("login", {{"appID", 101}, {"userID", "bob"}, {"since", {{"u:alice", "0-0"}}}});
  ASSERT_EQ(code_of(r), 200) << r.dump();
  auto got = messages(*laptop, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["msg"], "3");
  EXPECT_EQ(got[1]["msg"], "4");
  EXPECT_TRUE(no_push_before_marker(*laptop, "bob", "msg"));
  auto after = laptop->request("unread");  // the same read state on the other device
  EXPECT_EQ(after["response"]["data"]["conversations"]["u:alice"]["count"], 2);
  EXPECT_EQ(code_of(phone->request("ack", {{"conversation", "u:nobody"}, {"upTo", "1-0"}})), 1005);
  EXPECT_EQ(code_of(phone->request("ack", {{"conversation", "elsewhere"}, {"upTo", "1-0"}})), 1001);
  EXPECT_EQ(code_of(phone->request("ack", {{"conversation", "u:alice"}, {"upTo", "soon"}})), 1001);
}

}  // namespace
}  // namespace parley::test
