#include "bench/src/soak.hpp"

#include "bench/src/process_stats.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace parley::bench {
namespace {

using json = nlohmann::json;

// One `connect` round as a child process; returns its JSON result (null on failure).
json connect_round(const options& o, const std::string& out) {
  std::vector<std::string> args{"/proc/self/exe", "--scenario", "connect",
                                "--connections", std::to_string(o.connections),
                                "--target", o.target, "--app", std::to_string(o.app_id),
                                "--quiet", "--out", out};
  if (!o.secret.empty()) args.insert(args.end(), {"--secret", o.secret});
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (!freopen("/dev/null", "w", stdout)) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(out);
  auto result = json::parse(in, nullptr, false);
  std::remove(out.c_str());
  return result.is_discarded() ? json() : result;
}

}  // namespace

int run_soak(const options& o, int argc, char** argv) {
  if (o.server_pid == 0) {
    std::cerr << "parley-bench: soak needs --server-pid (it reads the server's RSS)\n";
    return 2;
  }
  std::string command = "parley-bench";
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  json rounds = json::array();
  bool ok = true;
  auto before = proc_rss_bytes(o.server_pid);
  for (uint32_t r = 1; r <= o.rounds; ++r) {
    auto tmp = "/tmp/parley-soak-" + std::to_string(getpid()) + "-" + std::to_string(r) + ".json";
    auto result = connect_round(o, tmp);
    uint64_t logged_in = result.is_null() ? 0 : result["connections"].value("ready", 0ull);
    if (logged_in != o.connections) ok = false;
    std::this_thread::sleep_for(std::chrono::duration<double>(o.idle));
    auto rss = proc_rss_bytes(o.server_pid);
    rounds.push_back({{"round", r}, {"logged_in", logged_in}, {"rss_bytes", rss}});
    if (!o.quiet) std::fprintf(stderr, "round %u: %llu logged in, server RSS %.1f MB\n", r,
                               static_cast<unsigned long long>(logged_in), rss / 1e6);
  }
  // Growth from the second round on (the first round grows pools and arenas once): the
  // largest RSS of rounds 2..N over round 2's.
  double growth = 0;
  if (rounds.size() >= 2) {
    double base = rounds[1]["rss_bytes"].get<double>();
    for (size_t i = 1; i < rounds.size(); ++i)
      growth = std::max(growth, (rounds[i]["rss_bytes"].get<double>() - base) / base);
  }
  json out{{"scenario", "soak"}, {"command", command}, {"connections", o.connections},
           {"idle_seconds", o.idle}, {"rss_start_bytes", before}, {"rounds", rounds},
           {"rss_growth_after_round_2", growth}, {"ok", ok}};
  auto text = out.dump(2);
  if (!o.out.empty()) std::ofstream(o.out) << text << "\n";
  std::cout << text << std::endl;
  return ok ? 0 : 1;
}

}  // namespace parley::bench
