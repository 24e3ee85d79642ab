// options: parley-bench's command line (see `parley-bench --help` and docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::bench {

struct options {
  std::string scenario = "idle";          // idle | connect | fanout | pairs | churn | soak
  std::string target = "127.0.0.1:8080";  // where senders (and everyone, by default) connect
  std::string receive_target;             // receivers' node (pairs/fanout); empty: target
  uint32_t connections = 1000;
  uint32_t processes = 0;                 // 0: one per 18,000 connections
  std::vector<std::string> sources;       // source addresses, cycled per connection
  double duration = 10;                   // seconds of the timed phase
  double rate = 0;                        // messages/s from all senders; 0: as fast as acked
  uint32_t senders = 1;                   // fanout
  uint32_t payload = 64;                  // bytes of message text (at least the header)
  std::string text = "x";                 // what fills the text past its header: x | words
  bool deflate = false;                   // offer permessage-deflate (the node may accept it)
  uint32_t window = 32;                   // unacknowledged sends per sender
  uint32_t app_id = 101;
  std::string secret;                     // sign login tokens with this (auth on)
  uint32_t connect_window = 1024;         // connection attempts in flight per process
  double churn_rate = 200;                // churn: connections opened and closed per second
  double drain = 5;                       // seconds to wait for stragglers after sending stops
  uint32_t rounds = 6;                    // soak: connect rounds
  double idle = 5;                        // soak: seconds with nothing connected before RSS is read
  int server_pid = 0;                     // read RSS and CPU of this process
  std::string out;                        // JSON result file
  bool quiet = false;                     // no live progress line
  // worker mode (set by the parent)
  int worker = -1;
  uint32_t begin = 0, end = 0;            // this worker's connection indices
};

// Parses argv; on error returns nullopt with `error` set (or `help` when --help was given).
std::optional<options> parse_options(int argc, char** argv, std::string& error, bool& help);
std::string usage();

}  // namespace parley::bench
