#include "tests/support/ws_client.hpp"

#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace parley::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

ws_client::~ws_client() { close(); }

bool ws_client::connect(uint16_t port, const std::string& target, unsigned* status,
                        const std::string& source, const std::string& origin) {
  if (status) *status = 0;
  ws_.emplace(ioc_);
  auto& sock = ws_->next_layer();
  beast::error_code ec;
  sock.open(tcp::v4(), ec);
  if (!source.empty()) sock.bind({net::ip::make_address(source), 0}, ec);
  if (receive_buffer_ > 0) sock.set_option(net::socket_base::receive_buffer_size(receive_buffer_), ec);
  sock.connect({net::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return false;
  sock.set_option(tcp::no_delay(true), ec);
  ws_->set_option(websocket::stream_base::decorator([origin, extra = upgrade_headers_](websocket::request_type& req) {
    if (!origin.empty()) req.set(http::field::origin, origin);
    for (const auto& [name, value] : extra) req.set(name, value);
  }));
  // The async handshake fills `res` even when the status is not 101 (the sync one does not).
  websocket::response_type res;
  bool done = false;
  ws_->async_handshake(res, "127.0.0.1:" + std::to_string(port), target,
                       [&](beast::error_code e) {
                         ec = e;
                         done = true;
                       });
  run_until(done, 10000ms);
  if (status) *status = done ? res.result_int() : 0;
  ws_->control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::pong) ++pongs_;
    if (kind == websocket::frame_type::ping) ++pings_;  // Beast answers it while reading
  });
  return done && !ec;
}

void ws_client::ping(const std::string& payload) {
  bool done = false;
  beast::error_code result;
  ws_->async_ping(websocket::ping_data(payload.c_str()), [&](beast::error_code ec) {
    result = ec;
    done = true;
  });
  if (!run_until(done, 10000ms) || result) throw std::runtime_error("ping failed: " + result.message());
}

void ws_client::start_read() {
  if (reading_ || closed_) return;
  reading_ = true;
  ws_->async_read(buffer_, [this](beast::error_code ec, std::size_t) {
    reading_ = false;
    if (ec) {
      closed_ = true;
      return;
    }
    inbox_.push_back(beast::buffers_to_string(buffer_.data()));
    buffer_.consume(buffer_.size());
  });
}

bool ws_client::run_until(const bool& flag, std::chrono::milliseconds timeout) {
  ioc_.restart();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!flag && std::chrono::steady_clock::now() < deadline) {
    ioc_.run_one_until(deadline);
    if (ioc_.stopped()) ioc_.restart();
  }
  return flag;
}

void ws_client::send(const std::string& text) {
  bool done = false;
  beast::error_code result;
  ws_->text(true);
  ws_->async_write(net::buffer(text), [&](beast::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  if (!run_until(done, 10000ms) || result) throw std::runtime_error("send failed: " + result.message());
}

std::optional<std::string> ws_client::next_frame(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (inbox_.empty() && !closed_) {
    start_read();
    ioc_.restart();
    if (ioc_.run_one_until(deadline) == 0 && std::chrono::steady_clock::now() >= deadline) break;
  }
  if (inbox_.empty()) return std::nullopt;
  auto frame = std::move(inbox_.front());
  inbox_.pop_front();
  return frame;
}

json ws_client::request(const std::string& cmd, const json& data,
                        std::chrono::milliseconds timeout) {
  auto seq = "t" + std::to_string(++seq_);
  send(json{{"seq", seq}, {"cmd", cmd}, {"data", data}}.dump());
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto frame = next_frame(left);
    if (!frame) break;
    auto doc = json::parse(*frame, nullptr, false);
    if (doc.is_object() && doc.value("seq", "") == seq) return doc;
    pushes_.push_back(doc);
  }
  throw std::runtime_error("no response to " + cmd + " seq " + seq);
}

json ws_client::login(uint32_t app_id, const std::string& user_id, const std::string& token) {
  json data = {{"appID", app_id}, {"userID", user_id}};
  if (!token.empty()) data["serviceToken"] = token;
  return request("login", data);
}

std::optional<json> ws_client::next_push(const std::string& cmd, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (auto it = pushes_.begin(); it != pushes_.end(); ++it)
      if (it->is_object() && it->value("cmd", "") == cmd) {
        auto out = *it;
        pushes_.erase(it);
        return out;
      }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = next_frame(left);
    if (!frame) return std::nullopt;
    pushes_.push_back(json::parse(*frame, nullptr, false));
  }
}

std::optional<uint16_t> ws_client::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = next_frame(left);
    if (frame) pushes_.push_back(json::parse(*frame, nullptr, false));
  }
  return static_cast<uint16_t>(ws_->reason().code);
}

void ws_client::close() {
  if (!ws_ || closed_) return;
  closed_ = true;
  beast::error_code ec;
  ws_->next_layer().close(ec);
}

http_result http_call(uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body, const std::string& content_type,
                      const std::vector<std::string>& headers) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect({net::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!body.empty()) req.set(http::field::content_type, content_type);
  for (const auto& h : headers) {
    auto colon = h.find(':');
    req.set(h.substr(0, colon), h.substr(colon + 2));
  }
  req.body() = body;
  req.prepare_payload();
  stream.expires_after(std::chrono::seconds(10));
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  http_result out{res.result_int(), res.body(), {}};
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(field.value());
  }
  return out;
}

}  // namespace parley::test
