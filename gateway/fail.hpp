// fail: the one place completion handlers report errors. Benign codes (a peer that closed,
// an operation cancelled by our own close) are not logged; everything else is, at debug for
// per-connection I/O (a flood of broken peers must not flood the log) and with its context.
#pragma once

#include <boost/beast/core/error.hpp>

namespace parley {

// True for errors that are part of a normal close.
bool benign(const boost::beast::error_code& ec);

void fail(const boost::beast::error_code& ec, const char* what);

}  // namespace parley
