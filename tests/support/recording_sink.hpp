// recording_sink: a connection_sink for actor tests. Records every frame and close so a
// test can drive a connection actor without sockets, and wait for what it writes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/connection/connection_sink.hpp"

namespace parley::test {

class recording_sink : public connection_sink {
 public:
  void attach(caf::actor connection, std::string conn_id) override {
    std::lock_guard<std::mutex> guard(mtx_);
    connection_ = std::move(connection);
    conn_id_ = std::move(conn_id);
    cv_.notify_all();
  }
  void send(frame_ptr frame) override {
    std::lock_guard<std::mutex> guard(mtx_);
    frames_.push_back(std::move(frame));
    cv_.notify_all();
  }
  void frame_done() override {}
  void close(close_reason reason) override {
    std::lock_guard<std::mutex> guard(mtx_);
    closed_ = reason;
    cv_.notify_all();
  }

  caf::actor wait_attached(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mtx_);
    cv_.wait_for(lock, timeout, [&] { return static_cast<bool>(connection_); });
    return connection_;
  }

  // The next frame written (JSON-parsed), or nullopt after `timeout`. Frames put back
  // with put_back() come first, in their order.
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mtx_);
    if (!put_back_.empty()) {
      auto f = std::move(put_back_.front());
      put_back_.pop_front();
      return f;
    }
    if (!cv_.wait_for(lock, timeout, [&] { return !frames_.empty(); })) return std::nullopt;
    auto frame = frames_.front();
    frames_.pop_front();
    return nlohmann::json::parse(*frame, nullptr, false);
  }

  // The next frame with this cmd, skipping others.
  std::optional<nlohmann::json> next_cmd(const std::string& cmd,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto f = next(left);
      if (!f) return std::nullopt;
      if (f->value("cmd", "") == cmd) return f;
    }
  }

  std::optional<close_reason> wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mtx_);
    cv_.wait_for(lock, timeout, [&] { return closed_.has_value(); });
    return closed_;
  }

  // Returns frames a reader skipped, so later reads see them (in the given order).
  void put_back(std::deque<nlohmann::json> frames) {
    std::lock_guard<std::mutex> guard(mtx_);
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) put_back_.push_front(std::move(*it));
  }

  const std::string& conn_id() const { return conn_id_; }

 private:
  std::mutex mtx_;
  std::condition_variable cv_;
  caf::actor connection_;
  std::string conn_id_;
  std::deque<frame_ptr> frames_;
  std::deque<nlohmann::json> put_back_;
  std::optional<close_reason> closed_;
};

}  // namespace parley::test
