// live_streams: how many node-to-node gRPC streams (either side) have not reported done yet.
// A reactor counts itself in its constructor and out at the end of OnDone. The cluster
// runtime waits for zero at shutdown: a stream still finishing on a gRPC thread while the
// process exits raced gRPC's own teardown (ASan saw a completion queue freed twice).
#pragma once

#include <atomic>

namespace parley::cluster {

inline std::atomic<int>& live_streams() {
  static std::atomic<int> count{0};
  return count;
}

}  // namespace parley::cluster
