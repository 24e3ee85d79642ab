// soak: rounds of connections that connect, log in and leave, with the server's RSS read
// after each round once nothing has been connected for --idle seconds. Each round is a
// `--scenario connect` run of this binary (its connections end when it exits). Memory that
// stays behind for connections that came and went shows up as RSS growing round by round.
#pragma once

#include "bench/src/options.hpp"

namespace parley::bench {

// Runs the soak scenario; prints and writes (--out) the JSON result. Exit code 0 when every
// round ran and logged in every connection.
int run_soak(const options& o, int argc, char** argv);

}  // namespace parley::bench
