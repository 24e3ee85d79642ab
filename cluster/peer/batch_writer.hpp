// batch_writer: the outgoing side of one gRPC stream. Envelopes queued while a write is in
// flight go out together in the next stream write (one Batch), so a busy link writes many
// messages per write and an idle one writes each at once, without a timer.
//
// The queue is bounded in bytes (queued + in flight): past the bound send() refuses, and the
// caller answers its sender instead of growing without limit. A stalled peer (SIGSTOP, a full
// TCP window) fills the bound; writes resume by themselves when the peer reads again.
//
// Thread-safe: senders (actors) call send(); the stream's reactor calls written() from its
// write callback and close() when the stream ends. `start` (given by the reactor) starts
// one stream write and is never called under the lock, nor twice at once.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "proto/cluster.pb.h"

namespace parley::cluster {

class batch_writer {
 public:
  using start_fn = std::function<void(const wire::Batch*)>;
  // Batches are cut at about this size, far below gRPC's message limits.
  static constexpr size_t batch_bytes = 256 * 1024;

  explicit batch_writer(size_t bound) : bound_(bound) {}

  void attach(start_fn start) {
    std::lock_guard<std::mutex> guard(mutex_);
    start_ = std::move(start);
  }

  enum class result { queued, full, closed };
  result send(wire::Envelope&& e);
  // Queues what fits of `es` (in order) and starts at most one write; returns how many
  // were queued, or -1 when closed. Callers that gather a turn's envelopes use this: one
  // lock and one write start for all of them.
  int send_all(std::vector<wire::Envelope>& es);

  // The reactor's write completed (ok: it reached the transport).
  void written();
  // No more writes: send() answers `closed` from now on.
  void close();

  size_t queued_bytes() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return bytes_;
  }

 private:
  bool take_next(std::unique_lock<std::mutex>&);  // moves the next batch into `current_`
  bool append(wire::Envelope&& e);                 // under the lock; false when full

  mutable std::mutex mutex_;
  start_fn start_;
  size_t bound_;
  size_t bytes_ = 0;          // queued + in flight
  size_t current_bytes_ = 0;  // in flight
  bool writing_ = false, closed_ = false;
  std::deque<std::pair<wire::Batch, size_t>> queue_;  // batch and its bytes
  wire::Batch current_;
};

}  // namespace parley::cluster
