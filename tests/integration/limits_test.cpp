// Auth, limits and timeouts against a real node: each test starts its own node with the
// settings under test.
#include <ctime>
#include <future>
#include <thread>

#include <boost/asio/write.hpp>

#include "actors/auth/token.hpp"
#include "actors/behaviours/behaviour_helpers.hpp"
#include "tests/integration/node_fixture.hpp"

namespace parley::test {
namespace {

class Limits : public NodeFixture {};

std::string token_for(uint32_t app, const std::string& user, int64_t ttl = 60) {
  return auth::sign_token("s3cret", app, user, static_cast<int64_t>(std::time(nullptr)) + ttl);
}

TEST_F(Limits, AuthOnChecksUpgradeLoginAndApi) {
  start([](node_config& c) {
    c.auth_secret = "s3cret";
    c.api_key = "k3y";
  });
  unsigned status = 0;
  ws_client forged;
  EXPECT_FALSE(forged.connect(port(), "/acc?appID=101&userID=alice&token=123.abc", &status));
  EXPECT_EQ(status, 403u);
  ws_client preauth;
  ASSERT_TRUE(preauth.connect(port(), "/acc?appID=101&userID=alice&token=" + token_for(101, "alice"), &status));
  EXPECT_EQ(status, 101u);
  EXPECT_EQ(code_of(preauth.login(101, "alice")), 200);  // the URL token admits her
  ws_client c;
  ASSERT_TRUE(c.connect(port()));
  EXPECT_EQ(code_of(c.login(101, "bob")), 1003);                        // no token
  EXPECT_EQ(code_of(c.login(101, "bob", token_for(101, "alice"))), 1003);  // someone else's
  EXPECT_EQ(code_of(c.login(101, "bob", token_for(101, "bob", -5))), 1003);  // expired
  EXPECT_EQ(code_of(c.request("sendMessage", {{"userID", "alice"}, {"msg", "x"}})), 1000);
  EXPECT_EQ(code_of(c.login(101, "bob", token_for(101, "bob"))), 200);
  EXPECT_EQ(http_call(port(), "GET", "/user/list?appID=101").status, 401u);
  EXPECT_EQ(http_call(port(), "GET", "/user/list?appID=101", "", "", {"Authorization: Bearer wrong"}).status, 401u);
  auto ok = http_call(port(), "GET", "/user/list?appID=101", "", "", {"Authorization: Bearer k3y"});
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.json_body()["data"]["userCount"], 2);
}

// A token on the URL admits the user it names and no one else: a tokenless login as someone
// else on that socket is refused, and so is the same user id in another app.
TEST_F(Limits, UrlTokenAdmitsOnlyTheUserItNames) {
  start([](node_config& c) { c.auth_secret = "s3cret"; });
  ws_client c;
  ASSERT_TRUE(c.connect(port(), "/acc?appID=101&userID=alice&token=" + token_for(101, "alice")));
  EXPECT_EQ(code_of(c.login(101, "bob")), 1003);
  EXPECT_EQ(code_of(c.login(102, "alice")), 1003);
  EXPECT_EQ(code_of(c.request("sendMessage", {{"userID", "alice"}, {"msg", "x"}})), 1000);
  EXPECT_EQ(code_of(c.login(101, "alice")), 200);
  EXPECT_EQ(code_of(c.login(101, "bob")), 1009);  // a logged-in socket cannot switch user
}

// A key rotation: with the new secret and the previous one, tokens signed with either log in
// (on the URL and in login); a token signed with neither does not.
TEST_F(Limits, TokensOfThePreviousSecretPassDuringARotation) {
  start([](node_config& c) {
    c.auth_secret = "new-s3cret";
    c.auth_secret_previous = "s3cret";
  });
  auto in = static_cast<int64_t>(std::time(nullptr)) + 60;
  ws_client old_token, new_token, url_token, forged;
  ASSERT_TRUE(old_token.connect(port()) && new_token.connect(port()) && forged.connect(port()));
  EXPECT_EQ(code_of(old_token.login(101, "ann", token_for(101, "ann"))), 200);
  EXPECT_EQ(code_of(new_token.login(101, "bea", auth::sign_token("new-s3cret", 101, "bea", in))), 200);
  EXPECT_EQ(code_of(forged.login(101, "cid", auth::sign_token("other", 101, "cid", in))), 1003);
  unsigned status = 0;
  EXPECT_TRUE(url_token.connect(port(), "/acc?appID=101&userID=dee&token=" + token_for(101, "dee"), &status));
  EXPECT_EQ(status, 101u);
}

TEST_F(Limits, AuthOffAcceptsAnyToken) {
  start();
  ws_client c;
  unsigned status = 0;
  ASSERT_TRUE(c.connect(port(), "/acc?appID=101&userID=x&token=garbage", &status));
  EXPECT_EQ(code_of(c.login(101, "x", "garbage")), 200);
  EXPECT_EQ(http_call(port(), "GET", "/user/list?appID=101").status, 200u);
}

TEST_F(Limits, OriginAllowList) {
  start([](node_config& c) { c.allowed_origins = {"http://good.example"}; });
  unsigned status = 0;
  ws_client bad, good;
  EXPECT_FALSE(bad.connect(port(), "/acc", &status, "", "http://evil.example"));
  EXPECT_EQ(status, 403u);
  EXPECT_TRUE(good.connect(port(), "/acc", &status, "", "http://good.example"));
}

// The frame rate limit at its defaults (the fixture turns it off for the other tests): a
// flood is answered 1011 past the burst, then closed with 1008; other users are not touched.
TEST_F(Limits, FrameFloodIsRateLimitedThenClosedWith1008) {
  node_config defaults;
  start([&](node_config& c) {
    c.frame_rate = defaults.frame_rate;
    c.frame_burst = defaults.frame_burst;
    c.frame_strikes = defaults.frame_strikes;
  });
  auto flood = user(101, "flood");
  auto other = user(101, "calm");
  const int sent = 2000;
  for (int i = 0; i < sent; ++i)
    flood->send(R"({"seq":")" + std::to_string(i) + R"(","cmd":"heartbeat","data":{}})");
  int ok = 0, limited = 0, other_codes = 0;
  while (auto frame = flood->next_frame(3000ms)) {
    auto code = json::parse(*frame)["response"]["code"].get<int>();
    code == 200 ? ++ok : code == 1011 ? ++limited : ++other_codes;
  }
  EXPECT_EQ(flood->wait_closed(), 1008);
  // The burst (plus what refilled meanwhile) ran; then refusals until the strikes ran out.
  EXPECT_GE(ok, static_cast<int>(defaults.frame_burst));
  EXPECT_LT(ok, static_cast<int>(defaults.frame_burst) + 200);
  // (frames already read when the close was decided are refused too)
  EXPECT_GT(limited, static_cast<int>(defaults.frame_strikes));
  EXPECT_EQ(other_codes, 0);
  EXPECT_EQ(code_of(other->request("heartbeat")), 200);
  EXPECT_TRUE(eventually([&] { return stats().closes(close_reason::rate_limited) == 1; }));
  EXPECT_GE(stats().rate_limited_total.load(), static_cast<uint64_t>(limited));  // + after the close
}

// A client within the rate is never refused, and one that pauses is forgiven its strikes.
TEST_F(Limits, FrameRateWithinTheLimitIsNeverRefused) {
  start([](node_config& c) {
    c.frame_rate = 100;
    c.frame_burst = 10;
    c.frame_strikes = 5;
  });
  auto c = user(101, "steady");
  for (int i = 0; i < 50; ++i) {  // 50 frames at ~50/s: half the rate
    EXPECT_EQ(code_of(c->request("heartbeat")), 200) << i;
    std::this_thread::sleep_for(20ms);
  }
  for (int round = 0; round < 3; ++round) {  // 3 bursts past the limit, each then forgiven
    for (int i = 0; i < 14; ++i)
      c->send(R"({"seq":"b)" + std::to_string(i) + R"(","cmd":"heartbeat","data":{}})");
    int limited = 0;
    for (int i = 0; i < 14; ++i) {
      auto frame = c->next_frame();
      ASSERT_TRUE(frame);
      limited += json::parse(*frame)["response"]["code"] == 1011;
    }
    EXPECT_GE(limited, 1);
    EXPECT_LE(limited, 4);
    std::this_thread::sleep_for(200ms);  // the bucket refills: strikes forgiven
  }
  EXPECT_FALSE(c->closed());
  EXPECT_EQ(code_of(c->request("heartbeat")), 200);
}

// DNS rebinding: a page on evil.example whose name resolves to 127.0.0.1 reaches a node on
// loopback with its own Host header; the node answers only to its names.
TEST_F(Limits, HostsOutsideTheAllowedNamesGet403) {
  start();
  EXPECT_EQ(http_call(port(), "GET", "/system/state").status, 200u);  // Host: 127.0.0.1
  EXPECT_EQ(http_call(port(), "GET", "/system/state", "", "", {"Host: localhost:1"}).status, 200u);
  auto rebound = http_call(port(), "GET", "/user/list?appID=101", "", "", {"Host: evil.example"});
  EXPECT_EQ(rebound.status, 403u);
  EXPECT_EQ(http_call(port(), "GET", "/", "", "", {"Host: evil.example:8080"}).status, 403u);
  EXPECT_EQ(stats().hosts_refused_total.load(), 2u);
  // A named node answers to its names only.
  node_.reset();
  start([](node_config& c) { c.allowed_hosts = {"chat.example.com"}; });
  EXPECT_EQ(http_call(port(), "GET", "/system/state", "", "", {"Host: chat.example.com"}).status, 200u);
  EXPECT_EQ(http_call(port(), "GET", "/system/state").status, 403u);
}

// CORS: "*" while the API is open; with an API key only the configured origins.
TEST_F(Limits, CorsOpensTheApiToAnyOriginOnlyWhileItHasNoKey) {
  start();
  auto open = http_call(port(), "GET", "/system/state", "", "", {"Origin: http://a.example"});
  EXPECT_EQ(open.headers["access-control-allow-origin"], "*");
  node_.reset();
  start([](node_config& c) {
    c.api_key = "k";
    c.allowed_origins = {"http://good.example"};
  });
  auto good = http_call(port(), "GET", "/system/state", "", "",
                        {"Origin: http://good.example", "Authorization: Bearer k"});
  EXPECT_EQ(good.headers["access-control-allow-origin"], "http://good.example");
  auto bad = http_call(port(), "GET", "/system/state", "", "",
                       {"Origin: http://evil.example", "Authorization: Bearer k"});
  EXPECT_EQ(bad.headers.count("access-control-allow-origin"), 0u);
  node_.reset();
  start([](node_config& c) { c.api_key = "k"; });  // a key and no origins: no cross-origin use
  auto none = http_call(port(), "GET", "/system/state", "", "", {"Origin: http://a.example"});
  EXPECT_EQ(none.headers.count("access-control-allow-origin"), 0u);
}

TEST_F(Limits, PerAddressAnonymousConnectionsAreCapped) {
  start([](node_config& c) { c.max_anonymous_per_address = 3; });
  std::vector<std::unique_ptr<ws_client>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<ws_client>());
    ASSERT_TRUE(held.back()->connect(port(), "/acc", nullptr, "127.0.0.2"));
  }
  ws_client fourth;
  unsigned status = 0;
  EXPECT_FALSE(fourth.connect(port(), "/acc", &status, "127.0.0.2"));
  EXPECT_EQ(status, 429u);
  ws_client elsewhere;  // another address is not affected
  EXPECT_TRUE(elsewhere.connect(port(), "/acc", &status, "127.0.0.3"));
  EXPECT_EQ(code_of(held[0]->login(101, "ann")), 200);  // logged in: no longer anonymous
  ws_client fifth;
  EXPECT_TRUE(fifth.connect(port(), "/acc", &status, "127.0.0.2"));
  held[1]->close();  // closed: its place is free again
  EXPECT_TRUE(eventually([&] {
    ws_client sixth;
    return sixth.connect(port(), "/acc", nullptr, "127.0.0.2");
  }));
  EXPECT_GE(stats().upgrades_throttled_total.load(), 1u);
}

TEST_F(Limits, PerAddressUpgradeStormIsThrottledAndTheNodeStaysResponsive) {
  start([](node_config& c) { c.upgrades_per_address_per_second = 10; });
  int admitted = 0, throttled = 0;
  auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    ws_client c;
    unsigned status = 0;
    if (c.connect(port(), "/acc", &status, "127.0.0.4"))
      ++admitted;
    else
      throttled += status == 429;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  EXPECT_GE(admitted, 10);
  EXPECT_LE(admitted, 10 + static_cast<int>(10 * seconds) + 1);  // the burst, then 10/s
  EXPECT_EQ(admitted + throttled, 200);
  ws_client calm;  // another address logs in at once
  ASSERT_TRUE(calm.connect(port(), "/acc", nullptr, "127.0.0.5"));
  EXPECT_EQ(code_of(calm.login(101, "calm")), 200);
}

// A raw TCP connection to the node, for requests the test writes and reads itself.
struct raw_connection {
  explicit raw_connection(uint16_t port) : socket(ioc) {
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  void write(const std::string& bytes) { boost::asio::write(socket, boost::asio::buffer(bytes)); }
  // Reads until the peer closes (true) or `timeout` passes (false); what came is in `received`.
  bool closed_within(std::chrono::milliseconds timeout) {
    socket.non_blocking(true);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      boost::system::error_code ec;
      auto n = socket.read_some(boost::asio::buffer(buf), ec);
      if (ec == boost::asio::error::would_block) {
        std::this_thread::sleep_for(10ms);
        continue;
      }
      if (ec) return true;  // EOF or reset: closed
      received.append(buf, n);
    }
    return false;
  }
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket;
  std::string received;
};

// A client that dribbles its request (slow-loris) is cut at handshake_timeout and counted;
// so is one that never sends anything. Meanwhile the node answers others at once.
TEST_F(Limits, SlowLorisIsCutAtTheHandshakeTimeoutAndCounted) {
  start([](node_config& c) { c.handshake_timeout = 1; });
  raw_connection silent(port());
  raw_connection loris(port());
  auto began = std::chrono::steady_clock::now();
  bool cut = false;
  for (char ch : std::string("GET /system/state HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")) {
    boost::system::error_code ec;
    boost::asio::write(loris.socket, boost::asio::buffer(&ch, 1), ec);
    if (ec) {
      cut = true;
      break;
    }
    EXPECT_EQ(http_call(port(), "GET", "/system/state").status, 200u);  // others: at once
    std::this_thread::sleep_for(100ms);
    if (std::chrono::steady_clock::now() - began > 4s) break;
  }
  EXPECT_TRUE(cut || loris.closed_within(3s)) << "the dribbling client was not cut";
  EXPECT_GE(std::chrono::steady_clock::now() - began, 900ms);  // not before the timeout
  EXPECT_TRUE(silent.closed_within(3s));
  EXPECT_TRUE(loris.received.empty()) << loris.received;  // cut, not answered
  EXPECT_TRUE(eventually([&] { return stats().handshake_timeouts_total.load() == 2; }))
      << stats().handshake_timeouts_total.load();
}

// After an answer, a keep-alive connection may wait http_keepalive_timeout for its next
// request; then it is closed (an idle close, not a handshake timeout).
TEST_F(Limits, IdleKeepAliveConnectionsAreClosed) {
  start([](node_config& c) { c.http_keepalive_timeout = 1; });
  raw_connection c(port());
  c.write("GET /system/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto began = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_within(4s));
  EXPECT_GE(std::chrono::steady_clock::now() - began, 900ms);
  EXPECT_EQ(c.received.rfind("HTTP/1.1 200", 0), 0u) << c.received;  // answered, then closed
  EXPECT_EQ(stats().http_idle_closed_total.load(), 1u);
  EXPECT_EQ(stats().handshake_timeouts_total.load(), 0u);
}

// A behaviour that holds the only actor worker until the test releases it: every HTTP
// request that needs an actor stays in flight meanwhile. `entered` is set once it holds it.
behaviour_spec blocking_behaviour(std::shared_future<void> gate, std::shared_ptr<std::promise<void>> entered) {
  return {"block", true, true, [gate, entered](caf::event_based_actor*, behaviour_context) {
            return caf::behavior{[gate, entered](handle_atom, const command&) -> command_result {
              entered->set_value();
              gate.wait();
              return behaviours::reply_ok();
            }};
          }};
}

// Past max_http_requests requests being answered at once, the next is refused with 503 and
// Retry-After at once (not queued); once the others are answered, requests pass again.
TEST_F(Limits, ConcurrentHttpRequestsAreCapped) {
  std::promise<void> release;
  auto entered = std::make_shared<std::promise<void>>();
  auto held_worker = entered->get_future();
  extra_behaviours_ = {blocking_behaviour(release.get_future().share(), entered)};
  start([](node_config& c) {
    c.max_http_requests = 2;
    c.actor_threads = 1;
  });
  auto blocker = user(101, "blocker");
  blocker->send(R"({"seq":"b","cmd":"block","data":{}})");
  ASSERT_EQ(held_worker.wait_for(5s), std::future_status::ready);  // the worker is now held
  std::vector<std::unique_ptr<raw_connection>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<raw_connection>(port()));
    held.back()->write("GET /user/list?appID=101 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }
  ASSERT_TRUE(eventually([&] { return stats().http_requests_active.load() == 2; }));
  auto refused = http_call(port(), "GET", "/user/list?appID=101");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.headers["retry-after"], "1");
  EXPECT_EQ(stats().http_requests_refused_total.load(), 1u);
  release.set_value();
  for (auto& c : held) {
    c->closed_within(500ms);
    EXPECT_EQ(c->received.rfind("HTTP/1.1 200", 0), 0u) << c->received;
  }
  EXPECT_TRUE(eventually([&] { return stats().http_requests_active.load() == 0; }));
  EXPECT_EQ(http_call(port(), "GET", "/user/list?appID=101").status, 200u);
}

// sendAll from clients is a right per app: with auth on it is off unless configured; the
// backend's /user/sendMessageAll is never affected.
TEST_F(Limits, ClientSendAllIsARightPerApp) {
  start([](node_config& c) {
    c.auth_secret = "s3cret";
    c.client_send_all = "101";
  });
  ws_client a, b;
  ASSERT_TRUE(a.connect(port()) && b.connect(port()));
  ASSERT_EQ(code_of(a.login(101, "ann", token_for(101, "ann"))), 200);
  ASSERT_EQ(code_of(b.login(102, "bea", token_for(102, "bea"))), 200);
  EXPECT_EQ(code_of(a.request("sendAll", {{"msg", "hi 101"}, {"msgID", "a1"}})), 200);
  EXPECT_EQ(code_of(b.request("sendAll", {{"msg", "hi 102"}, {"msgID", "b1"}})), 1003);
  EXPECT_EQ(http_call(port(), "POST", "/user/sendMessageAll",
                      "appID=102&userID=admin&msgID=x1&message=notice").status, 200u);
  EXPECT_TRUE(b.next_push("msg").has_value());  // the backend's push arrived
}

TEST(ClientSendAll, DefaultsFollowAuth) {
  node_config open;
  EXPECT_TRUE(open.client_may_send_all(101));
  node_config secured;
  secured.auth_secret = "s";
  EXPECT_FALSE(secured.client_may_send_all(101));
  secured.client_send_all = "all";
  EXPECT_TRUE(secured.client_may_send_all(101));
  open.client_send_all = "none";
  EXPECT_FALSE(open.client_may_send_all(101));
  open.client_send_all = "101,103";
  EXPECT_TRUE(open.client_may_send_all(103));
  EXPECT_FALSE(open.client_may_send_all(102));
}

// Behind a trusted proxy the per-address caps key on the client X-Forwarded-For names; from
// any other peer the header is not believed.
TEST_F(Limits, PerAddressCapsKeyOnTheClientBehindATrustedProxy) {
  start([](node_config& c) {
    c.max_anonymous_per_address = 1;
    c.trusted_proxies = {"127.0.0.1"};
  });
  auto via_proxy = [&](const std::string& client, const std::string& source = "127.0.0.1") {
    auto c = std::make_unique<ws_client>();
    c->upgrade_header("X-Forwarded-For", "6.6.6.6, " + client);  // the client's own entry first
    unsigned status = 0;
    bool ok = c->connect(port(), "/acc", &status, source);
    return std::make_pair(ok ? std::move(c) : nullptr, status);
  };
  auto first = via_proxy("203.0.113.7");
  ASSERT_TRUE(first.first);
  EXPECT_EQ(via_proxy("203.0.113.7").second, 429u);  // the same client behind the proxy
  auto other = via_proxy("203.0.113.8");              // another client, same proxy
  EXPECT_TRUE(other.first);
  // Not a trusted proxy: keyed on the peer itself, whatever the header says.
  auto direct = via_proxy("203.0.113.9", "127.0.0.2");
  EXPECT_TRUE(direct.first);
  EXPECT_EQ(via_proxy("203.0.113.10", "127.0.0.2").second, 429u);
}

TEST_F(Limits, ConnectionsPerUserAreCapped) {
  start([](node_config& c) { c.max_connections_per_user = 2; });
  auto phone = user(101, "dana");
  auto laptop = user(101, "dana");
  auto third = connect();
  auto refused = third->login(101, "dana");
  EXPECT_EQ(code_of(refused), 1009);
  EXPECT_NE(refused["response"]["codeMsg"].get<std::string>().find("max_connections_per_user"),
            std::string::npos);
  EXPECT_EQ(code_of(third->login(101, "erin")), 200);  // others are not affected
  phone->close();
  auto fourth = connect();
  EXPECT_TRUE(eventually([&] { return code_of(fourth->login(101, "dana")) == 200; }));
}

TEST_F(Limits, OversizeFrameClosesWith1009) {
  start([](node_config& c) { c.max_frame_bytes = 1024; });
  auto c = user(101, "big");
  auto other = user(101, "fine");
  c->send(std::string(2048, 'x'));
  EXPECT_EQ(c->wait_closed(), 1009);
  EXPECT_EQ(code_of(other->request("heartbeat")), 200);
  EXPECT_TRUE(eventually([&] { return stats().closes(close_reason::oversize) == 1; }));
}

// Beast answers pings itself, through the socket the session writes its frame batches to.
// With the node's write to a reader stuck half-way (megabytes queued, the reader not
// reading), the pongs to that reader's pings must wait behind the batch, not land inside it.
TEST_F(Limits, PongsNeverCutIntoABatchStuckHalfWay) {
  start([](node_config& c) { c.write_queue_limit_bytes = 64 * 1024 * 1024; });
  auto alice = user(101, "alice");
  auto bob = std::make_unique<ws_client>();
  bob->small_receive_buffer();
  ASSERT_TRUE(bob->connect(port()));
  ASSERT_EQ(code_of(bob->login(101, "bob")), 200);
  const int burst = 2000, ping_every = 50;
  unsigned pings = 0;
  auto size_of = [](int i) { return std::size_t(3000 + i % 2000); };
  for (int i = 0; i < burst; ++i) {
    json req = {{"seq", "s" + std::to_string(i)}, {"cmd", "sendMessage"},
                {"data", {{"userID", "bob"}, {"msg", std::string(size_of(i), 'p')},
                          {"msgID", "p" + std::to_string(i)}}}};
    alice->send(req.dump());
  }
  EXPECT_EQ(code_of(alice->request("ping", json::object(), std::chrono::seconds(20))), 200);
  // Megabytes wait for bob now; he pings while he reads, so most pings reach the node while
  // its write to him is blocked in the middle of a batch.
  for (int i = 0; i < burst; ++i) {
    if (i % ping_every == 0) {
      bob->ping("hb" + std::to_string(i));
      ++pings;
    }
    auto m = bob->next_push("msg");
    ASSERT_TRUE(m) << "message " << i;
    ASSERT_EQ((*m)["response"]["data"]["msgID"], "p" + std::to_string(i));
    ASSERT_EQ((*m)["response"]["data"]["msg"].get<std::string>().size(), size_of(i));
  }
  EXPECT_EQ(code_of(bob->request("ping")), 200);  // everything before it has been read
  EXPECT_EQ(bob->pongs(), pings);
}

TEST_F(Limits, SlowReaderIsClosedWith1008WhileOthersReceiveEverything) {
  start([](node_config& c) { c.write_queue_limit_bytes = 256 * 1024; });
  auto slow = std::make_unique<ws_client>();
  slow->small_receive_buffer();
  ASSERT_TRUE(slow->connect(port()));
  ASSERT_EQ(code_of(slow->login(101, "slow")), 200);
  auto fast = user(101, "fast");
  auto sender = user(101, "sender");
  for (auto* c : {slow.get(), fast.get(), sender.get()}) c->request("join", {{"group", "flood"}});
  // Enough to fill the loopback socket buffers and then the slow reader's queue. The fast
  // reader reads on its own thread, as a real client would, and must get every message in order.
  const int messages = 3000;
  const std::string body(4000, 'b');
  int received = 0;
  std::thread reader([&] {
    while (received < messages) {
      auto push = fast->next_push("msg", std::chrono::seconds(10));
      if (!push || (*push)["response"]["data"]["msgID"] != std::to_string(received)) return;
      ++received;
    }
  });
  for (int i = 0; i < messages; ++i) {
    auto r = sender->request("sendGroup", {{"group", "flood"}, {"msg", body}, {"msgID", std::to_string(i)}});
    ASSERT_EQ(code_of(r), 200);
    sender->pushes().clear();  // the sender's own copies
  }
  reader.join();
  EXPECT_EQ(received, messages);
  EXPECT_FALSE(fast->closed());
  // The close frame waits behind what the kernel already holds; the slow client gets it once
  // it reads again, and the server counts the close when the handshake completes.
  EXPECT_EQ(slow->wait_closed(std::chrono::seconds(20)), 1008);
  EXPECT_TRUE(eventually([&] { return stats().closes(close_reason::slow_reader) == 1; }));
}

TEST_F(Limits, MaxConnectionsRefusesWith503AndKeepsExistingUsers) {
  start([](node_config& c) { c.max_connections = 2; });
  auto a = user(101, "a");
  auto b = user(101, "b");
  ws_client third;
  unsigned status = 0;
  EXPECT_FALSE(third.connect(port(), "/acc", &status));
  EXPECT_EQ(status, 503u);
  EXPECT_EQ(code_of(a->request("heartbeat")), 200);
  b->close();
  EXPECT_TRUE(eventually([&] { return stats().connections == 1; }));
  ws_client fourth;
  EXPECT_TRUE(fourth.connect(port()));
}

TEST_F(Limits, HeartbeatTimeoutClosesIdleConnections) {
  start([](node_config& c) { c.heartbeat_timeout = 1; });
  auto idle = user(101, "idle");
  auto busy = user(101, "busy");
  auto started = std::chrono::steady_clock::now();
  // busy keeps sending heartbeats; idle sends nothing.
  while (std::chrono::steady_clock::now() - started < std::chrono::milliseconds(2500)) {
    ASSERT_EQ(code_of(busy->request("heartbeat")), 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(250));  // the client's heartbeat period
  }
  EXPECT_EQ(idle->wait_closed(std::chrono::seconds(3)), 1000);
  EXPECT_FALSE(busy->closed());
  EXPECT_TRUE(eventually([&] { return stats().closes(close_reason::timeout) == 1; }));
}

TEST_F(Limits, QuietSocketsArePingedAndDroppedWhenTheyDoNotAnswer) {
  start([](node_config& c) {
    c.ping_interval = 1;  // ticks every 0.5 s
    c.io_threads = 2;     // the tick and the sessions' strands on different threads
  });
  auto answering = user(101, "answering");
  auto silent = user(101, "silent");  // never reads again, so never answers a ping
  auto started = std::chrono::steady_clock::now();
  // answering only reads: Beast answers the server's pings with pongs, nothing else is sent.
  while (std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1500))
    answering->next_frame(std::chrono::milliseconds(50));
  // Silence is dropped only at twice ping_interval (2 s after the login at the earliest).
  EXPECT_EQ(stats().closes(close_reason::timeout), 0u);
  while (std::chrono::steady_clock::now() - started < std::chrono::milliseconds(4000))
    answering->next_frame(std::chrono::milliseconds(50));
  EXPECT_TRUE(eventually([&] { return stats().closes(close_reason::timeout) == 1; }));
  EXPECT_GE(answering->pings(), 1u);
  EXPECT_FALSE(answering->closed());
  EXPECT_EQ(code_of(answering->request("heartbeat")), 200);
  EXPECT_EQ(stats().connections, 1);
}

TEST_F(Limits, LoginTimeoutClosesAnonymousConnections) {
  start([](node_config& c) { c.login_timeout = 1; });
  auto anonymous = connect();
  EXPECT_EQ(anonymous->wait_closed(std::chrono::seconds(4)), 1000);
}

TEST_F(Limits, ShutdownClosesEveryConnectionWith1001) {
  start();
  auto a = user(101, "a");
  auto b = user(102, "b");
  // The clients answer the close handshakes on their own thread while the node stops on
  // this one (the thread that built it: see node_runtime::shutdown).
  std::optional<uint16_t> code_a, code_b;
  std::thread clients([&] {
    code_a = a->wait_closed();
    code_b = b->wait_closed();
  });
  node_->shutdown(std::chrono::seconds(3));
  clients.join();
  EXPECT_EQ(code_a, 1001);
  EXPECT_EQ(code_b, 1001);
  EXPECT_EQ(stats().closes(close_reason::shutdown), 2u);
}

}  // namespace
}  // namespace parley::test
