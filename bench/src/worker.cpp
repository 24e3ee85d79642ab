#include "bench/src/worker.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <nlohmann/json.hpp>

#include "actors/auth/token.hpp"
#include "bench/src/connection.hpp"
#include "bench/src/histogram.hpp"

namespace parley::bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

uint64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

tcp::endpoint endpoint_of(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  return {net::ip::make_address(host_port.substr(0, colon)),
          static_cast<uint16_t>(std::stoul(host_port.substr(colon + 1)))};
}

// Appends words to `msg` until it holds `size` bytes: a different sentence for every `seed`,
// drawn from common English words, so that it compresses about as chat text does (the
// default 'x' filler would compress to nearly nothing).
void append_words(std::string& msg, std::size_t size, uint64_t seed) {
  static const char* const words[] = {
      "the", "be", "to", "of", "and", "a", "in", "that", "have", "I", "it", "for", "not", "on",
      "with", "he", "as", "you", "do", "at", "this", "but", "his", "by", "from", "they", "we",
      "say", "her", "she", "or", "an", "will", "my", "one", "all", "would", "there", "their",
      "what", "so", "up", "out", "if", "about", "who", "get", "which", "go", "me", "when",
      "make", "can", "like", "time", "no", "just", "him", "know", "take", "people", "into",
      "year", "your", "good", "some", "could", "them", "see", "other", "than", "then", "now",
      "look", "only", "come", "its", "over", "think", "also", "back", "after", "use", "two",
      "how", "our", "work", "first", "well", "way", "even", "new", "want", "because", "any",
      "these", "give", "day", "most", "us", "meeting", "deploy", "tomorrow", "lunch", "build",
      "release", "server", "thanks", "sure", "later", "ok", "great", "maybe", "ticket"};
  constexpr std::size_t count = sizeof words / sizeof words[0];
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + msg.size() + 1;
  while (msg.size() < size) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64
    msg += words[x % count];
    msg += (x >> 32) % 11 == 0 ? ". " : " ";
  }
  msg.resize(size);
}

// Reads "<sender>|<seq>|<sent ns>|" out of a msg push without a JSON parser: pushes are
// Parley's own compact JSON with sorted keys, and the payload has no quotes.
bool parse_push(const std::string& text, uint32_t& sender, uint64_t& seq, uint64_t& sent_ns) {
  auto at = text.find("\"msg\":\"");
  if (at == std::string::npos) return false;
  const char* p = text.c_str() + at + 7;
  char* end = nullptr;
  sender = static_cast<uint32_t>(std::strtoul(p, &end, 10));
  if (*end != '|') return false;
  seq = std::strtoull(end + 1, &end, 10);
  if (*end != '|') return false;
  sent_ns = std::strtoull(end + 1, &end, 10);
  return *end == '|';
}

int response_code(const std::string& text) {
  auto at = text.find("\"code\":");
  return at == std::string::npos ? 0 : std::atoi(text.c_str() + at + 7);
}

struct peer {
  std::shared_ptr<connection> conn;
  std::deque<char> awaiting;   // responses due, in order: 'L'ogin, 'J'oin, 'S'end, 'C'hurn login
  bool ready = false;
  uint32_t outstanding = 0;    // unacknowledged sends
  uint64_t next_send = 0;      // sender: next seq
  uint64_t acked = 0;          // sender: sends answered 200
  std::vector<uint64_t> next_seq;  // receiver: per sender slot
  uint64_t received = 0;           // receiver: unique deliveries
};

class worker {
 public:
  explicit worker(const options& o)
      : o_(o), stdin_(ioc_, ::dup(STDIN_FILENO)), tick_(ioc_), settle_timer_(ioc_) {
    server_ = endpoint_of(o.target);
    // --receive-target A[,B,...]: receivers are spread over these nodes (a cluster).
    std::string list = o.receive_target.empty() ? o.target : o.receive_target;
    for (size_t from = 0; from <= list.size();) {
      auto comma = list.find(',', from);
      if (comma == std::string::npos) comma = list.size();
      if (comma > from) receive_servers_.push_back(endpoint_of(list.substr(from, comma - from)));
      from = comma + 1;
    }
    peers_.resize(o.end - o.begin);
    slots_ = o.scenario == "fanout" ? o.senders : 1;
    recv_by_sender_.assign(o.scenario == "fanout" ? o.senders : 0, 0);
    for (auto& p : peers_) p.next_seq.assign(slots_, 0);
    local_senders_ = 0;
    for (uint32_t i = o.begin; i < o.end; ++i) local_senders_ += is_sender(o, i);
  }

  int run() {
    started_ = clock_type::now();
    launch_connections();
    schedule_tick();
    ioc_.run();
    return 0;
  }

 private:
  // --- connect phase -------------------------------------------------------------------
  void launch_connections() {
    while (in_flight_ < o_.connect_window && next_open_ < peers_.size()) {
      ++in_flight_;
      open_peer(next_open_++);
    }
  }

  // Receivers connect to the receive target(s); senders (and everyone without one) to --target.
  bool receives_elsewhere(uint32_t global) const {
    if (o_.receive_target.empty()) return false;
    if (o_.scenario == "pairs" || o_.scenario == "churn") return global % 2 == 1;
    return o_.scenario == "fanout" && !is_sender(o_, global);
  }

  const tcp::endpoint& receive_server(uint32_t global) const {
    return receive_servers_[(global / 2) % receive_servers_.size()];
  }

  std::string user_of(uint32_t global) const { return "b" + std::to_string(global); }

  // Connections cycle over the source addresses: the kernel's port search for connect()
  // slows down sharply once about half the ephemeral ports toward one (source, destination)
  // pair are taken (measured: ~16 k connections/s up to 14,000, 7 k/s at 15,000 from one
  // address), and every address has a port range of its own.
  const std::string& source_for(uint32_t n) const {
    return o_.sources.empty() ? no_source_ : o_.sources[(o_.worker + n) % o_.sources.size()];
  }

  void open_peer(uint32_t local) {
    auto global = o_.begin + local;
    auto conn = std::make_shared<connection>(ioc_, local);
    if (o_.deflate) conn->offer_deflate();
    peers_[local].conn = conn;
    conn->on_frame = [this](connection& c, const std::string& text) { on_frame(c.index(), text); };
    conn->on_closed = [this](connection& c, bool) { if (!stopping_) ++errors_.closed; };
    auto opened_at = now_ns();
    auto server = receives_elsewhere(global) ? receive_server(global) : server_;
    conn->open(server, source_for(global), o_.target, "/acc", [this, global, opened_at](connection& c, bool ok) {
      if (!ok) {
        ++errors_.connect;
        return peer_done(false);
      }
      peers_[c.index()].awaiting.push_back('L');
      login_started_[c.index()] = opened_at;
      c.send(login_frame(global));
    });
    login_started_.emplace(local, opened_at);
  }

  std::string login_frame(uint32_t global, const std::string& user = {}) const {
    auto id = user.empty() ? user_of(global) : user;
    json data = {{"appID", o_.app_id}, {"userID", id}};
    if (!o_.secret.empty())
      data["serviceToken"] = auth::sign_token(o_.secret, o_.app_id, id, std::time(nullptr) + 86400);
    return json{{"seq", "l"}, {"cmd", "login"}, {"data", data}}.dump();
  }

  void peer_done(bool ok) {
    --in_flight_;
    ok ? ++ready_ : ++failed_;
    if (ready_ + failed_ == peers_.size()) {
      connect_seconds_ = std::chrono::duration<double>(clock_type::now() - started_).count();
      settle_started_ = clock_type::now();
      settle();
    } else {
      launch_connections();
    }
  }

  // Setup traffic must not count as the run's: with presence pushes on, 1,000 logins queue
  // ~500,000 `enter` pushes that the node is still writing when the last login is answered.
  // Report READY once no frame has arrived for 200 ms (at most 10 s after the last login).
  void settle() {
    auto now = clock_type::now();
    if (now - last_frame_at_ >= std::chrono::milliseconds(200) ||
        now - settle_started_ >= std::chrono::seconds(10)) {
      std::cout << "READY " << json{{"ready", ready_}, {"failed", failed_}}.dump() << std::endl;
      return wait_for_go();
    }
    settle_timer_.expires_after(std::chrono::milliseconds(50));
    settle_timer_.async_wait([this](boost::system::error_code ec) { if (!ec) settle(); });
  }

  // --- frames --------------------------------------------------------------------------
  void on_frame(uint32_t local, const std::string& text) {
    if (go_at_ == clock_type::time_point{}) last_frame_at_ = clock_type::now();
    if (text.compare(0, 12, "{\"cmd\":\"msg\"") == 0) return on_push(local, text);
    auto& p = peers_[local];
    if (p.awaiting.empty()) return;  // enter/exit pushes
    if (text.compare(0, 13, "{\"cmd\":\"enter") == 0 || text.compare(0, 12, "{\"cmd\":\"exit") == 0) return;
    char kind = p.awaiting.front();
    p.awaiting.pop_front();
    bool ok = response_code(text) == 200;
    switch (kind) {
      case 'L':
        connect_latency_.add(now_ns() - login_started_[local]);
        if (!ok) {
          ++errors_.login;
          return peer_done(false);
        }
        if (o_.scenario == "fanout") {
          p.awaiting.push_back('J');
          p.conn->send(R"({"seq":"j","cmd":"join","data":{"group":"bench"}})");
          return;
        }
        p.ready = true;
        return peer_done(true);
      case 'J':
        if (!ok) {
          ++errors_.login;
          return peer_done(false);
        }
        p.ready = true;
        return peer_done(true);
      case 'S':
        --p.outstanding;
        if (ok) {
          ++p.acked;
          ++acked_;
        } else {
          ++errors_.send;
        }
        if (sending_ && o_.rate == 0) send_one(local);
        return;
      case 'C':
        ok ? ++churn_ok_ : ++churn_failed_;
        p.conn->close();
        return;
    }
  }

  void on_push(uint32_t local, const std::string& text) {
    uint32_t sender;
    uint64_t seq, sent_ns;
    if (!parse_push(text, sender, seq, sent_ns)) {
      ++errors_.garbled;
      return;
    }
    auto now = now_ns();
    latency_.add(now > sent_ns ? now - sent_ns : 0);
    last_delivery_ = now;
    ++deliveries_;
    auto& p = peers_[local];
    uint32_t slot = o_.scenario == "fanout" ? sender : 0;
    if (slot >= slots_) {
      ++errors_.garbled;
      return;
    }
    auto& next = p.next_seq[slot];
    if (seq < next) {
      ++errors_.duplicate_or_reordered;
      return;
    }
    if (seq > next) errors_.gaps += seq - next;
    next = seq + 1;
    ++p.received;
    if (!recv_by_sender_.empty()) ++recv_by_sender_[sender];
  }

  // --- timed phase ---------------------------------------------------------------------
  void wait_for_go() {
    net::async_read_until(stdin_, stdin_buf_, '\n', [this](boost::system::error_code ec, std::size_t) {
      if (ec) return finish();  // the parent went away
      go();
    });
  }

  void go() {
    go_at_ = clock_type::now();
    go_ns_ = now_ns();
    if (o_.scenario == "connect") return finish();
    sending_ = local_senders_ > 0 && o_.scenario != "idle";
    if (sending_ && o_.rate == 0)
      for (uint32_t i = 0; i < peers_.size(); ++i)
        if (is_sender(o_, o_.begin + i))
          for (uint32_t w = 0; w < o_.window; ++w) send_one(i);
  }

  bool send_one(uint32_t local) {
    auto& p = peers_[local];
    if (!p.ready || p.outstanding >= o_.window || !p.conn->is_open()) return false;
    auto global = o_.begin + local;
    char head[64];
    int n = std::snprintf(head, sizeof head, "%u|%llu|%llu|", o_.scenario == "fanout" ? global : 0u,
                          static_cast<unsigned long long>(p.next_send++),
                          static_cast<unsigned long long>(now_ns()));
    std::string msg(head, n);
    if (o_.text == "words")
      append_words(msg, o_.payload, p.next_send);
    else if (msg.size() < o_.payload)
      msg.append(o_.payload - msg.size(), 'x');
    std::string frame;
    if (o_.scenario == "fanout")
      frame = R"({"seq":"s","cmd":"sendGroup","data":{"group":"bench","msg":")" + msg + "\"}}";
    else
      frame = R"({"seq":"s","cmd":"sendMessage","data":{"userID":")" + user_of(global + 1) + R"(","msg":")" + msg + "\"}}";
    p.awaiting.push_back('S');
    ++p.outstanding;
    ++sent_;
    p.conn->send(std::move(frame));
    return true;
  }

  // Fixed-rate sending and churn: every millisecond, catch up with the schedule.
  void on_tick() {
    auto now = clock_type::now();
    if (go_at_ != clock_type::time_point{}) {
      double elapsed = std::chrono::duration<double>(now - go_at_).count();
      if (sending_ && elapsed >= o_.duration) sending_ = false, stop_at_ = now;
      if (sending_ && o_.rate > 0) {
        double share = o_.rate * local_senders_ / std::max(1u, total_senders(o_));
        auto due = static_cast<uint64_t>(share * elapsed);
        uint32_t tried = 0;
        while (sent_ < due && tried < peers_.size()) {
          cursor_ = (cursor_ + 1) % peers_.size();
          if (!is_sender(o_, o_.begin + cursor_)) { ++tried; continue; }
          if (!send_one(cursor_)) ++tried; else tried = 0;
        }
        if (sent_ < due) ++errors_.behind_schedule_ticks;
      }
      if (o_.scenario == "churn" && o_.worker == 0 && elapsed < o_.duration) churn(elapsed);
      if (!sending_ && stop_at_ == clock_type::time_point{} &&
          (o_.scenario == "idle" || local_senders_ == 0) && elapsed >= o_.duration)
        stop_at_ = now;
      if (stop_at_ != clock_type::time_point{} && drained(now)) return finish();
    }
    if (now - last_progress_ > std::chrono::seconds(1)) progress(now);
    schedule_tick();
  }

  void churn(double elapsed) {
    auto due = static_cast<uint64_t>(o_.churn_rate * elapsed);
    while (churn_opened_ < due) {
      auto local = static_cast<uint32_t>(peers_.size());
      peers_.emplace_back();
      peers_.back().next_seq.assign(slots_, 0);
      auto conn = std::make_shared<connection>(ioc_, local);
      if (o_.deflate) conn->offer_deflate();
      peers_.back().conn = conn;
      auto user = "c" + std::to_string(churn_opened_++);
      conn->on_frame = [this](connection& c, const std::string& text) { on_frame(c.index(), text); };
      conn->open(server_, source_for(churn_opened_), o_.target, "/acc", [this, user](connection& c, bool ok) {
        if (!ok) return void(++churn_failed_);
        peers_[c.index()].awaiting.push_back('C');
        c.send(login_frame(0, user));
      });
    }
  }

  // Done when every send is answered and deliveries have been quiet for 300 ms (senders
  // elsewhere), or the drain time is up.
  bool drained(clock_type::time_point now) {
    if (std::chrono::duration<double>(now - stop_at_).count() > o_.drain) return true;
    for (const auto& p : peers_)
      if (p.outstanding) return false;
    if (o_.scenario == "pairs" || o_.scenario == "churn") {
      for (uint32_t i = 0; i + 1 < o_.end - o_.begin; i += 2)
        if (peers_[i + 1].received < peers_[i].acked) return false;
      return true;
    }
    return now_ns() - std::max(last_delivery_, go_ns_) > 300'000'000;
  }

  void progress(clock_type::time_point now) {
    last_progress_ = now;
    std::cout << "PROGRESS "
              << json{{"up", ready_}, {"sent", sent_}, {"delivered", deliveries_},
                      {"errors", errors_.total()}}.dump()
              << std::endl;
  }

  void schedule_tick() {
    tick_.expires_after(std::chrono::milliseconds(1));
    tick_.async_wait([this](boost::system::error_code ec) { if (!ec) on_tick(); });
  }

  void finish() {
    stopping_ = true;
    uint64_t expected_local = 0, received_local = 0;
    json acked_by_sender = json::object();
    for (uint32_t i = 0; i < o_.end - o_.begin; ++i) {
      auto global = o_.begin + i;
      if (is_sender(o_, global)) {
        acked_by_sender[std::to_string(global)] = peers_[i].acked;
        if (o_.scenario != "fanout") expected_local += peers_[i].acked;
      } else if (o_.scenario != "fanout") {
        received_local += peers_[i].received;
      }
    }
    double span = last_delivery_ > go_ns_ ? (last_delivery_ - go_ns_) / 1e9 : 0;
    json result = {
        {"worker", o_.worker},
        {"connections", o_.end - o_.begin},
        {"ready", ready_},
        {"failed", failed_},
        {"connect_seconds", connect_seconds_},
        {"connect_latency", connect_latency_.to_json()},
        {"sent", sent_},
        {"acked", acked_},
        {"deliveries", deliveries_},
        {"delivery_span_seconds", span},
        {"latency", latency_.to_json()},
        {"recv_by_sender", recv_by_sender_},
        {"acked_by_sender", acked_by_sender},
        {"receivers", o_.scenario == "fanout" ? ready_ : 0},
        {"expected_local", expected_local},
        {"received_local", received_local},
        {"churn", {{"opened", churn_opened_}, {"ok", churn_ok_}, {"failed", churn_failed_}}},
        {"errors", errors_.to_json()},
    };
    std::cout << "RESULT " << result.dump() << std::endl;
    for (auto& p : peers_)
      if (p.conn) p.conn->abort();
    ioc_.stop();
  }

  struct error_counts {
    uint64_t connect = 0, login = 0, send = 0, closed = 0, garbled = 0;
    uint64_t duplicate_or_reordered = 0, gaps = 0, behind_schedule_ticks = 0;
    uint64_t total() const { return connect + login + send + closed + garbled + duplicate_or_reordered + gaps; }
    json to_json() const {
      return {{"connect", connect}, {"login", login}, {"send", send}, {"closed", closed},
              {"garbled", garbled}, {"duplicate_or_reordered", duplicate_or_reordered},
              {"gaps", gaps}, {"behind_schedule_ticks", behind_schedule_ticks}};
    }
  };

  const options& o_;
  net::io_context ioc_;
  net::posix::stream_descriptor stdin_;
  net::streambuf stdin_buf_;
  net::steady_timer tick_;
  net::steady_timer settle_timer_;
  tcp::endpoint server_;
  std::vector<tcp::endpoint> receive_servers_;
  const std::string no_source_;
  std::vector<peer> peers_;
  std::unordered_map<uint32_t, uint64_t> login_started_;
  uint32_t slots_ = 1;
  uint32_t local_senders_ = 0;
  uint32_t next_open_ = 0, in_flight_ = 0, ready_ = 0, failed_ = 0, cursor_ = 0;
  double connect_seconds_ = 0;
  clock_type::time_point started_, go_at_{}, stop_at_{}, last_progress_{};
  clock_type::time_point settle_started_{}, last_frame_at_{};
  uint64_t go_ns_ = 0, last_delivery_ = 0;
  bool sending_ = false, stopping_ = false;
  uint64_t sent_ = 0, acked_ = 0, deliveries_ = 0;
  uint64_t churn_opened_ = 0, churn_ok_ = 0, churn_failed_ = 0;
  std::vector<uint64_t> recv_by_sender_;
  histogram latency_, connect_latency_;
  error_counts errors_;
};

}  // namespace

int run_worker(const options& o) {
  worker w(o);
  return w.run();
}

}  // namespace parley::bench
