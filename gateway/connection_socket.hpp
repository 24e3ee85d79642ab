// The executor and socket types of accepted connections. Each connection runs on its own
// strand over the io_context, named by its concrete type: Asio's default, the type-erased
// any_io_executor, heap-allocates when it wraps a strand and costs indirect calls on every
// operation and handler (measured: ~4% of the node's CPU in a fan-out, and allocations held
// by every pending read).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

namespace parley {

using connection_executor = boost::asio::strand<boost::asio::io_context::executor_type>;
using connection_socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, connection_executor>;

}  // namespace parley
