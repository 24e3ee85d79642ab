// spin_flag / spin_guard: a one-byte lock for a critical section of a few instructions
// (a session's inbox is locked by actor threads pushing a pointer and by the strand taking
// the whole vector). A std::mutex would cost 40 bytes in every connection; contention here
// is rare and short, and a waiter yields instead of burning a preempted holder's slice.
#pragma once

#include <atomic>
#include <thread>

namespace parley {

class spin_flag {
 public:
  void lock() noexcept {
    for (int spins = 0; flag_.test_and_set(std::memory_order_acquire); ++spins)
      if (spins >= 64) std::this_thread::yield();
  }
  void unlock() noexcept { flag_.clear(std::memory_order_release); }

 private:
  std::atomic_flag flag_ = ATOMIC_FLAG_INIT;
};

class spin_guard {
 public:
  explicit spin_guard(spin_flag& flag) : flag_(flag) { flag_.lock(); }
  ~spin_guard() { flag_.unlock(); }
  spin_guard(const spin_guard&) = delete;
  spin_guard& operator=(const spin_guard&) = delete;

 private:
  spin_flag& flag_;
};

}  // namespace parley
