// counting: a behaviour whose every handler first counts the message it handles, for the hot
// actors table (docs/observability.md). counting<B>(counter, handlers...) builds B (a
// caf::behavior or a typed behavior) from the handlers, each wrapped in a lambda with the
// same signature, so CAF sees the same message types (and a typed actor the same interface).
// The counter is bumped by the actor's own thread only: a plain integer for a counter only
// the actor reads, or a single-writer atomic (load + store, no lock prefix) that another
// actor reads.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace parley {
namespace detail {

inline void bump(uint64_t* n) { ++*n; }
inline void bump(std::atomic<uint64_t>* n) {
  n->store(n->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

template <class Counter, class F, class R, class C, class... Ts>
auto counted(Counter* n, F f, R (C::*)(Ts...) const) {
  return [n, f](Ts... xs) -> R {
    bump(n);
    return f(std::forward<Ts>(xs)...);
  };
}

template <class Counter, class F, class R, class C, class... Ts>
auto counted(Counter* n, F f, R (C::*)(Ts...)) {
  return [n, f](Ts... xs) mutable -> R {
    bump(n);
    return f(std::forward<Ts>(xs)...);
  };
}

}  // namespace detail

template <class Behavior, class Counter, class... Fs>
Behavior counting(Counter* n, Fs... fs) {
  return Behavior{detail::counted(n, std::move(fs), &Fs::operator())...};
}

}  // namespace parley
