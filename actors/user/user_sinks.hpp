// user_sinks: the sockets of one logged-in user, shared by everyone who delivers to that user.
//
// Delivering to a user used to mean one CAF message to the user actor, which then wrote to
// each connection's sink. Now the senders write to the sinks themselves: the sendMessage
// behaviour (through the node's user_directory), group actors (each member holds its
// user_sinks) and the user actor. One actor hop and one mailbox element less per delivery.
//
// Who changes it: the node adds a connection's sink inside the login turn, before the login
// is answered, so a message sent to the user after the client has seen its login reply
// reaches the new connection. The user actor removes the sink when the connection actor is
// down. Thread-safe; a short mutex-protected vector (a user has a handful of devices).
#pragma once

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "actors/connection/connection_sink.hpp"
#include "actors/messages.hpp"

namespace parley {

class user_sinks {
 public:
  void add(sink_ptr sink) {
    std::lock_guard<std::mutex> guard(mutex_);
    sinks_.push_back(std::move(sink));
  }

  // Returns true if `sink` was there.
  bool remove(const sink_ptr& sink) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = std::find(sinks_.begin(), sinks_.end(), sink);
    if (it == sinks_.end()) return false;
    sinks_.erase(it);
    return true;
  }

  // Queues `frame` on every socket of the user; returns how many. Never blocks on I/O:
  // connection_sink::send only queues and posts.
  size_t deliver(const frame_ptr& frame) const {
    std::lock_guard<std::mutex> guard(mutex_);
    for (const auto& sink : sinks_) sink->send(frame);
    return sinks_.size();
  }

  // Closes every socket of the user; returns how many.
  size_t close_all(close_reason reason, const std::string& text) const {
    std::lock_guard<std::mutex> guard(mutex_);
    for (const auto& sink : sinks_) sink->close(reason, text);
    return sinks_.size();
  }

  size_t size() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return sinks_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<sink_ptr> sinks_;
};

}  // namespace parley
