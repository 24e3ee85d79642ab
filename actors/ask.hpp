// ask: a request to an actor from non-actor code (HTTP handlers on I/O threads, gRPC
// handlers on gRPC threads), without blocking. A short-lived actor sends the request and
// calls `done` with the reply or std::nullopt (error or 10 s timeout) on a CAF thread; `done`
// must hand its work back to the caller's executor itself. Cost: one actor spawn (~2 µs) per
// call: fine for the HTTP and gRPC APIs, never for per-frame work.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include <caf/all.hpp>

namespace parley {

constexpr auto ask_timeout = std::chrono::seconds(10);

// `target` is a caf::actor or a typed handle (the node): with a typed one, a request of the
// wrong shape or result type does not compile.
template <class Result, class Handle, class... Ts>
void ask(caf::actor_system& system, const Handle& target,
         std::function<void(std::optional<Result>)> done, Ts... xs) {
  system.spawn([=](caf::event_based_actor* self) {
    self->request(target, ask_timeout, xs...)
        .then([=](Result& r) { done(std::move(r)); }, [=](caf::error&) { done(std::nullopt); });
  });
}

}  // namespace parley
