#include "gateway/fail.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

#include "config/logging.hpp"

namespace parley {

bool benign(const boost::beast::error_code& ec) {
  namespace net = boost::asio;
  return ec == net::error::operation_aborted || ec == boost::beast::websocket::error::closed ||
         ec == boost::beast::http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         // browsers often drop TCP right after their close frame; teardown then sees ENOTCONN
         ec == net::error::not_connected || ec == net::error::connection_aborted;
}

void fail(const boost::beast::error_code& ec, const char* what) {
  if (benign(ec)) return;
  log::gateway()->debug("{}: {}", what, ec.message());
}

}  // namespace parley
