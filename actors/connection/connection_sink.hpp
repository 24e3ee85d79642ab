// connection_sink: what a connection actor needs from the socket it speaks for.
//
// The gateway implements it (websocket_session); tests implement it with a recorder. All
// calls are thread-safe and non-blocking: they are posted to the session's strand.
#pragma once

#include <vector>

#include <caf/fwd.hpp>

#include "actors/messages.hpp"
#include "actors/stats/node_stats.hpp"
#include "actors/store/recovered_filter.hpp"

namespace parley {

class connection_sink {
 public:
  virtual ~connection_sink() = default;

  // The node hands over the connection's actor; the session starts reading frames and
  // sends each to it as (frame_atom, text). `conn_id` is for the session's log lines.
  virtual void attach(caf::actor connection, std::string conn_id) = 0;

  // Queues one frame. Bounded: past write_queue_limit_bytes the socket is closed with
  // close_reason::slow_reader (1008). Frames sent while closing are dropped and counted.
  virtual void send(frame_ptr frame) = 0;

  // The connection actor finished with one frame it was given; reading resumes if it had
  // paused at max_inflight_frames.
  virtual void frame_done() = 0;

  // Starts a close handshake with close_code(reason). Idempotent.
  virtual void close(close_reason reason) = 0;
  // The same with `text` as the close frame's reason instead of the reason's name.
  virtual void close(close_reason reason, const std::string& text) {
    (void)text;
    close(reason);
  }

  // The connection logged in (it no longer counts as anonymous for its address).
  virtual void logged_in() {}

  // Holds what is sent from now on until release(first), which puts `first` ahead of it:
  // a login that fetches what was kept for the user (store: redis) or recovers a group makes
  // the socket deliverable at once without letting a live message pass the older ones.
  // Holds nest: each hold() is ended by one release(), the `first` of each release goes
  // behind those of the earlier ones, and the held frames follow the last. With `filter`,
  // the live frames (held, and sent for its lifetime) that it does not pass are dropped
  // (actors/store/recovered_filter.hpp).
  virtual void hold() {}
  virtual void release(std::vector<frame_ptr> first, recovered_filter_ptr filter = nullptr) {
    (void)filter;
    for (auto& f : first) send(std::move(f));
  }
};

}  // namespace parley
