// fail: the one place completion handlers report errors. Benign codes (a peer that closed,
// an operation cancelled by our own close) are not logged; everything else is, at debug for
// per-connection I/O (a flood of broken peers must not flood the log) and with its context.
#pragma once

#include <memory>
#include <string_view>

#include <boost/beast/core/error.hpp>

#include "config/logging.hpp"

namespace parley {

// A warning a remote peer can trigger at will: written at most as `limits` allows per
// remote address, with a note of how many were swallowed before it.
template <class... Args>
void warn_throttled(log::throttle& limits, const std::shared_ptr<spdlog::logger>& logger,
                    std::string_view remote, fmt::format_string<Args...> format, Args&&... args) {
  uint64_t suppressed = 0;
  if (!limits.allow(log::host_of(remote), suppressed)) return;
  if (suppressed > 0)
    logger->warn("{} similar warning(s) from remote={} suppressed", suppressed, remote);
  logger->warn(format, std::forward<Args>(args)...);
}

// True for errors that are part of a normal close.
bool benign(const boost::beast::error_code& ec);

void fail(const boost::beast::error_code& ec, const char* what);

}  // namespace parley
