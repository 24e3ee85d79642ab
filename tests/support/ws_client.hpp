// ws_client: a real WebSocket client (Boost.Beast) for tests, with timeouts on every wait.
//
// One async read is kept outstanding; a wait that times out leaves it pending for the next
// wait, so nothing is cancelled mid-frame. Responses are matched by seq; pushes that arrive
// meanwhile are kept in order for next_push().
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

namespace parley::test {

using json = nlohmann::json;
using namespace std::chrono_literals;

class ws_client {
 public:
  ws_client() = default;
  ~ws_client();

  // Connects and upgrades. On failure returns false; `status` holds the HTTP status the
  // server answered the upgrade with (0 if none). `source` binds a local address.
  bool connect(uint16_t port, const std::string& target = "/acc", unsigned* status = nullptr,
               const std::string& source = "", const std::string& origin = "");

  // Pins a small kernel receive buffer (call before connect): a stalled reader then backs
  // up into the server's queue after kilobytes, not after the megabytes autotuning allows.
  void small_receive_buffer() { receive_buffer_ = 4096; }
  // Adds a header to the upgrade request (call before connect).
  void upgrade_header(std::string name, std::string value) {
    upgrade_headers_.emplace_back(std::move(name), std::move(value));
  }

  void send(const std::string& text);
  // Sends a WebSocket ping control frame; pongs() counts the pongs read since connect.
  void ping(const std::string& payload);
  unsigned pongs() const { return pongs_; }
  // Pings from the server read since connect (answered with pongs, as a browser does).
  unsigned pings() const { return pings_; }
  // The next frame, or nullopt when none arrives in time or the connection closed.
  std::optional<std::string> next_frame(std::chrono::milliseconds timeout = 5000ms);

  // Sends {seq, cmd, data} and returns the response with that seq (throws on timeout).
  json request(const std::string& cmd, const json& data = json::object(),
               std::chrono::milliseconds timeout = 5000ms);
  // login with appID/userID (and a token when given); returns the response.
  json login(uint32_t app_id, const std::string& user_id, const std::string& token = "");

  // The next push whose cmd is `cmd`, or nullopt after `timeout`.
  std::optional<json> next_push(const std::string& cmd, std::chrono::milliseconds timeout = 5000ms);
  // Every push received so far (and not yet taken), in order.
  std::deque<json>& pushes() { return pushes_; }

  // Reads until the server closes; returns its close code, or nullopt on timeout.
  std::optional<uint16_t> wait_closed(std::chrono::milliseconds timeout = 5000ms);
  bool closed() const { return closed_; }
  void close();

 private:
  void start_read();
  bool run_until(const bool& flag, std::chrono::milliseconds timeout);

  boost::asio::io_context ioc_;
  std::optional<boost::beast::websocket::stream<boost::asio::ip::tcp::socket>> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> inbox_;
  std::deque<json> pushes_;
  bool reading_ = false;
  bool closed_ = false;
  uint64_t seq_ = 0;
  unsigned pongs_ = 0;
  unsigned pings_ = 0;
  int receive_buffer_ = 0;
  std::vector<std::pair<std::string, std::string>> upgrade_headers_;
};

struct http_result {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  json json_body() const { return json::parse(body, nullptr, false); }
};

// One HTTP/1.1 request to 127.0.0.1:port. `headers` are "Name: value" lines.
http_result http_call(uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::string& content_type = "application/x-www-form-urlencoded",
                      const std::vector<std::string>& headers = {});

// Polls `pred` every 5 ms until it holds or `timeout` passes; returns its last value.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5000ms) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return pred();
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace parley::test
