// parley-bench: the parent process. Splits the connections over worker processes (each a
// copy of this binary with --worker), waits until all are READY, samples the server's RSS,
// says GO, shows live progress, merges the RESULTs and writes one JSON result. See
// docs/benchmarks.md for the scenarios and what each figure means.
#include <poll.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/src/histogram.hpp"
#include "bench/src/options.hpp"
#include "bench/src/process_stats.hpp"
#include "bench/src/soak.hpp"
#include "bench/src/worker.hpp"

using namespace parley::bench;
using json = nlohmann::json;

namespace {

constexpr uint32_t per_process = 18000;  // under the 20,000 open files a process may hold

struct child {
  pid_t pid = 0;
  int to = -1;     // its stdin
  int from = -1;   // its stdout
  std::string buffer;
  bool ready = false;
  json progress;
  json result;
};

child spawn_worker(const std::string& self, const std::vector<std::string>& args, int index,
                   uint32_t begin, uint32_t end) {
  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    close(in_pipe[1]);
    close(out_pipe[0]);
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--worker", std::to_string(index), "--range",
                           std::to_string(begin) + "-" + std::to_string(end)});
    std::vector<char*> argv{const_cast<char*>(self.c_str())};
    for (auto& a : all) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(self.c_str(), argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  child c;
  c.pid = pid;
  c.to = in_pipe[1];
  c.from = out_pipe[0];
  return c;
}

// Reads what is available from every child; returns false if one died without a RESULT.
bool pump(std::vector<child>& kids, int timeout_ms) {
  std::vector<pollfd> fds;
  for (auto& k : kids) fds.push_back({k.result.is_null() ? k.from : -1, POLLIN, 0});
  if (poll(fds.data(), fds.size(), timeout_ms) <= 0) return true;
  for (size_t i = 0; i < kids.size(); ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
    char buf[65536];
    auto n = read(kids[i].from, buf, sizeof buf);
    if (n <= 0) {
      if (kids[i].result.is_null()) return false;
      continue;
    }
    kids[i].buffer.append(buf, n);
    size_t nl;
    while ((nl = kids[i].buffer.find('\n')) != std::string::npos) {
      auto line = kids[i].buffer.substr(0, nl);
      kids[i].buffer.erase(0, nl + 1);
      auto space = line.find(' ');
      auto tag = line.substr(0, space);
      auto body = space == std::string::npos ? json() : json::parse(line.substr(space + 1), nullptr, false);
      if (tag == "READY") kids[i].ready = true;
      else if (tag == "PROGRESS") kids[i].progress = body;
      else if (tag == "RESULT") kids[i].result = body;
    }
  }
  return true;
}

void show_progress(const std::vector<child>& kids, double seconds, const options& o) {
  static double last_seconds = 0;
  static uint64_t last_sent = 0, last_delivered = 0;
  if (o.quiet || !isatty(STDERR_FILENO)) return;
  uint64_t up = 0, sent = 0, delivered = 0, errors = 0;
  for (const auto& k : kids) {
    if (k.progress.is_null()) continue;
    up += k.progress.value("up", 0ull);
    sent += k.progress.value("sent", 0ull);
    delivered += k.progress.value("delivered", 0ull);
    errors += k.progress.value("errors", 0ull);
  }
  double dt = seconds - last_seconds;
  if (dt < 0.9) return;  // workers report once a second
  std::fprintf(stderr, "\r[%6.1fs] up %llu/%u  sent %.0f/s  delivered %.0f/s (%llu)  errors %llu   ", seconds,
               (unsigned long long)up, o.connections, (sent - last_sent) / dt,
               (delivered - last_delivered) / dt, (unsigned long long)delivered, (unsigned long long)errors);
  std::fflush(stderr);
  last_seconds = seconds;
  last_sent = sent;
  last_delivered = delivered;
}

json machine() {
  utsname u{};
  uname(&u);
  return {{"cores", std::thread::hardware_concurrency()}, {"kernel", u.release},
          {"memory_gib", static_cast<double>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE) / (1ull << 30)}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  bool help = false;
  auto parsed = parse_options(argc, argv, error, help);
  if (help) {
    std::cout << usage();
    return 0;
  }
  if (!parsed) {
    std::cerr << "parley-bench: " << error << "\n";
    return 2;
  }
  auto o = *parsed;
  if (o.worker >= 0) return run_worker(o);
  if (o.scenario == "soak") return run_soak(o, argc, argv);

  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "parley-bench";
  for (auto& a : args) command += " " + a;
  uint32_t processes = o.processes ? o.processes : (o.connections + per_process - 1) / per_process;
  if (o.sources.empty() && o.target.rfind("127.", 0) == 0 &&
      (o.receive_target.empty() || o.receive_target.rfind("127.", 0) == 0)) {
    std::string list;  // loopback: spread over 127.0.0.2..9 (see worker::source_for)
    for (uint32_t i = 0; i < 8; ++i) list += (i ? "," : "") + std::string("127.0.0.") + std::to_string(2 + i);
    args.insert(args.end(), {"--sources", list});
  }
  auto baseline_rss = o.server_pid ? proc_rss_bytes(o.server_pid) : 0;
  std::vector<child> kids;
  uint32_t chunk = (o.connections + processes - 1) / processes;
  if (chunk % 2) ++chunk;  // pairs stay in one process
  for (uint32_t i = 0, begin = 0; begin < o.connections; ++i, begin += chunk)
    kids.push_back(spawn_worker("/proc/self/exe", args, static_cast<int>(i), begin, std::min(o.connections, begin + chunk)));

  auto start = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  bool alive = true;
  auto all = [&](auto pred) { for (auto& k : kids) if (!pred(k)) return false; return true; };
  while (alive && !all([](const child& k) { return k.ready; })) {
    alive = pump(kids, 200);
    show_progress(kids, seconds(), o);
  }
  double connect_wall = seconds();
  auto loaded_rss = o.server_pid ? proc_rss_bytes(o.server_pid) : 0;
  auto cpu_at_go = o.server_pid ? proc_cpu_seconds(o.server_pid) : 0;
  auto go_time = std::chrono::steady_clock::now();
  for (auto& k : kids) (void)!write(k.to, "GO\n", 3);
  while (alive && !all([](const child& k) { return !k.result.is_null(); })) {
    alive = pump(kids, 200);
    show_progress(kids, seconds(), o);
  }
  double run_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - go_time).count();
  auto cpu_at_end = o.server_pid ? proc_cpu_seconds(o.server_pid) : 0;
  if (!o.quiet) std::fprintf(stderr, "\n");
  for (auto& k : kids) {
    close(k.to);
    int status = 0;
    waitpid(k.pid, &status, 0);
  }
  if (!alive) {
    std::cerr << "parley-bench: a worker process died\n";
    return 1;
  }

  // --- merge -----------------------------------------------------------------------------
  histogram latency, connect_latency;
  uint64_t ready = 0, failed = 0, sent = 0, acked = 0, deliveries = 0, receivers = 0;
  uint64_t expected_local = 0, received_local = 0, churn_ok = 0, churn_failed = 0, churn_opened = 0;
  double span = 0, connect_seconds = 0;
  std::map<std::string, uint64_t> acked_by_sender;
  std::vector<uint64_t> recv_by_sender(o.scenario == "fanout" ? o.senders : 0, 0);
  json errors = json::object();
  for (auto& k : kids) {
    auto& r = k.result;
    ready += r["ready"].get<uint64_t>();
    failed += r["failed"].get<uint64_t>();
    sent += r["sent"].get<uint64_t>();
    acked += r["acked"].get<uint64_t>();
    deliveries += r["deliveries"].get<uint64_t>();
    receivers += r["receivers"].get<uint64_t>();
    expected_local += r["expected_local"].get<uint64_t>();
    received_local += r["received_local"].get<uint64_t>();
    churn_opened += r["churn"]["opened"].get<uint64_t>();
    churn_ok += r["churn"]["ok"].get<uint64_t>();
    churn_failed += r["churn"]["failed"].get<uint64_t>();
    span = std::max(span, r["delivery_span_seconds"].get<double>());
    connect_seconds = std::max(connect_seconds, r["connect_seconds"].get<double>());
    latency.merge(histogram::from_json(r["latency"]));
    connect_latency.merge(histogram::from_json(r["connect_latency"]));
    for (auto& [s, n] : r["acked_by_sender"].items()) acked_by_sender[s] += n.get<uint64_t>();
    for (size_t s = 0; s < recv_by_sender.size(); ++s) recv_by_sender[s] += r["recv_by_sender"][s].get<uint64_t>();
    for (auto& [name, n] : r["errors"].items()) errors[name] = errors.value(name, 0ull) + n.get<uint64_t>();
  }
  uint64_t expected = 0, received = 0;
  if (o.scenario == "fanout") {
    for (uint32_t s = 0; s < o.senders; ++s) {
      expected += receivers * acked_by_sender[std::to_string(s)];
      received += recv_by_sender[s];
    }
  } else {
    expected = expected_local;
    received = received_local;
  }
  uint64_t lost = expected > received ? expected - received : 0;
  double cpu = cpu_at_end - cpu_at_go;
  json result = {
      {"scenario", o.scenario},
      {"command", command},
      {"time", std::time(nullptr)},
      {"machine", machine()},
      {"processes", kids.size()},
      {"connections", {{"requested", o.connections}, {"ready", ready}, {"failed", failed}}},
      {"connect", {{"seconds", connect_seconds}, {"wall_seconds", connect_wall},
                   {"per_second", connect_seconds > 0 ? ready / connect_seconds : 0},
                   {"latency_ms", connect_latency.summary_ms()}}},
      {"messages", {{"sent", sent}, {"acked", acked}, {"expected_deliveries", expected},
                    {"deliveries", deliveries}, {"lost", lost},
                    {"duplicate_or_reordered", errors.value("duplicate_or_reordered", 0ull)},
                    {"gaps", errors.value("gaps", 0ull)}}},
      {"run_seconds", run_wall},
      {"delivery_span_seconds", span},
      {"deliveries_per_second", span > 0 ? deliveries / span : 0},
      {"latency_ms", latency.summary_ms()},
      {"churn", {{"opened", churn_opened}, {"ok", churn_ok}, {"failed", churn_failed}}},
      {"errors", errors},
      {"options", {{"rate", o.rate}, {"senders", o.senders}, {"payload", o.payload}, {"duration", o.duration},
                   {"text", o.text}, {"deflate", o.deflate},
                   {"window", o.window}, {"target", o.target},
                   {"receive_target", o.receive_target.empty() ? o.target : o.receive_target}}},
  };
  if (o.server_pid) {
    result["server"] = {{"pid", o.server_pid},
                        {"rss_before_bytes", baseline_rss},
                        {"rss_loaded_bytes", loaded_rss},
                        {"rss_per_connection_bytes", ready ? (double(loaded_rss) - double(baseline_rss)) / ready : 0},
                        {"cpu_seconds", cpu},
                        {"cpu_seconds_per_million_deliveries", deliveries ? cpu / (deliveries / 1e6) : 0}};
  }
  auto text = result.dump(2);
  if (!o.out.empty()) std::ofstream(o.out) << text << "\n";
  std::cout << text << std::endl;
  bool clean = failed == 0 && lost == 0 && errors.value("duplicate_or_reordered", 0ull) == 0 &&
               errors.value("gaps", 0ull) == 0 && errors.value("send", 0ull) == 0 && churn_failed == 0;
  if (!clean) std::cerr << "parley-bench: errors (see \"errors\", \"lost\", \"failed\")\n";
  return clean ? 0 : 1;
}
