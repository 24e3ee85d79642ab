// read_gate: flow control between one inbound peer stream and its actor, without blocking a
// gRPC thread. The stream stops issuing reads while its actor has more than max_backlog
// requests waiting (the far side's writes then back up into its own bounded queue through
// gRPC flow control, instead of this node's mailbox growing); the actor resumes the reads
// at half of it. `resume` (a StartRead) is called under the lock, so the stream cannot be
// deleted meanwhile (OnDone clears it under the same lock); recursive, as a read may
// complete inline.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

namespace parley::cluster {

struct read_gate {
  explicit read_gate(int64_t max_backlog = 20000) : max_backlog(max_backlog) {}
  const int64_t max_backlog;
  std::recursive_mutex mutex;
  int64_t backlog = 0;
  bool paused = false;
  std::function<void()> resume;  // empty once the stream is done

  // The stream read `n` requests; true when it may read again at once.
  bool arrived(int64_t n) {
    std::lock_guard<std::recursive_mutex> guard(mutex);
    backlog += n;
    paused = backlog > max_backlog;
    return !paused;
  }

  // The actor handled `n` requests.
  void handled(int64_t n) {
    std::lock_guard<std::recursive_mutex> guard(mutex);
    backlog -= n;
    if (paused && backlog <= max_backlog / 2 && resume) {
      paused = false;
      resume();
    }
  }
};

}  // namespace parley::cluster
