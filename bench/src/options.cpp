#include "bench/src/options.hpp"

#include <algorithm>
#include <sstream>

namespace parley::bench {

std::string usage() {
  return R"(parley-bench: load generator for Parley (docs/benchmarks.md)

  parley-bench --scenario idle|connect|fanout|pairs|churn|soak [options]

  --target HOST:PORT        node to connect to (default 127.0.0.1:8080)
  --receive-target H:P[,H:P...]  node(s) for receivers (pairs, fanout), spread over the list;
                            default: --target
  --connections N           total connections (fanout: group members, senders included)
  --processes P             client processes (default: one per 18,000 connections)
  --sources A,B,...         source addresses, cycled per connection (default 127.0.0.2..9
                            when the targets are on loopback)
  --duration S              seconds of the timed phase (default 10)
  --rate R                  messages per second from all senders; 0 = as fast as acked
  --senders S               fanout: how many members send (default 1)
  --payload BYTES           message text size (default 64)
  --text x|words            what fills a message past its header: 'x' repeated (default),
                            or chat-like words, which compress as chat does (permessage-deflate)
  --deflate on|off          offer permessage-deflate on every connection (default off); the
                            client inflates what arrives compressed
  --window W                unacknowledged sends per sender (default 32)
  --connect-window N        connection attempts (connect + upgrade + login) in flight per
                            process (default 1024)
  --app APPID               appID to log in to (default 101)
  --secret S                sign login tokens with S (node started with --auth-secret S)
  --churn-rate C            churn: connections opened, logged in and closed per second
  --drain S                 seconds to wait for deliveries after sending stops (default 5);
                            what has not arrived by then is reported as lost
  --rounds N                soak: rounds of --connections connections that connect, log in
                            and leave (default 6); RSS is read after each, once idle
  --idle S                  soak: seconds to wait with nothing connected before RSS is read
                            (default 5)
  --server-pid PID          report that process's RSS and CPU
  --out FILE                write the JSON result there
  --quiet                   no live progress line
)";
}

std::optional<options> parse_options(int argc, char** argv, std::string& error, bool& help) {
  options o;
  help = false;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--help" || k == "-h") {
      help = true;
      return std::nullopt;
    }
    if (k == "--quiet") {
      o.quiet = true;
      continue;
    }
    if (i + 1 >= argc) {
      error = k + " needs a value";
      return std::nullopt;
    }
    std::string v = argv[++i];
    try {
      if (k == "--scenario") o.scenario = v;
      else if (k == "--target") o.target = v;
      else if (k == "--receive-target") o.receive_target = v;
      else if (k == "--connections") o.connections = std::stoul(v);
      else if (k == "--processes") o.processes = std::stoul(v);
      else if (k == "--sources") {
        std::stringstream ss(v);
        std::string s;
        while (std::getline(ss, s, ',')) if (!s.empty()) o.sources.push_back(s);
      }
      else if (k == "--duration") o.duration = std::stod(v);
      else if (k == "--rate") o.rate = std::stod(v);
      else if (k == "--senders") o.senders = std::stoul(v);
      else if (k == "--payload") o.payload = std::stoul(v);
      else if (k == "--text") o.text = v;
      else if (k == "--deflate") o.deflate = v == "on";
      else if (k == "--window") o.window = std::stoul(v);
      else if (k == "--app") o.app_id = std::stoul(v);
      else if (k == "--secret") o.secret = v;
      else if (k == "--churn-rate") o.churn_rate = std::stod(v);
      else if (k == "--rounds") o.rounds = std::stoul(v);
      else if (k == "--idle") o.idle = std::stod(v);
      else if (k == "--drain") o.drain = std::stod(v);
      else if (k == "--server-pid") o.server_pid = std::stoi(v);
      else if (k == "--out") o.out = v;
      else if (k == "--connect-window") o.connect_window = std::stoul(v);
      else if (k == "--worker") o.worker = std::stoi(v);
      else if (k == "--range") {
        auto dash = v.find('-');
        o.begin = std::stoul(v.substr(0, dash));
        o.end = std::stoul(v.substr(dash + 1));
      }
      else {
        error = "unknown option " + k;
        return std::nullopt;
      }
    } catch (const std::exception&) {
      error = "bad value for " + k + ": " + v;
      return std::nullopt;
    }
  }
  const std::string known[] = {"idle", "connect", "fanout", "pairs", "churn", "soak"};
  if (std::find(std::begin(known), std::end(known), o.scenario) == std::end(known)) {
    error = "unknown scenario " + o.scenario;
    return std::nullopt;
  }
  if (o.connections == 0 || (o.scenario == "pairs" && o.connections % 2) ||
      (o.scenario == "churn" && o.connections % 2)) {
    error = "--connections must be positive (and even for pairs and churn)";
    return std::nullopt;
  }
  if (o.scenario == "fanout" && (o.senders == 0 || o.senders > o.connections)) {
    error = "--senders must be between 1 and --connections";
    return std::nullopt;
  }
  if (o.payload < 48) o.payload = 48;
  if (o.text != "x" && o.text != "words") {
    error = "--text must be x or words";
    return std::nullopt;
  }
  return o;
}

}  // namespace parley::bench
