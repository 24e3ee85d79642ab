// The `parley` binary as a user runs it: flags, exit codes, SIGTERM, the token command.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <regex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actors/auth/token.hpp"
#include "tests/support/ws_client.hpp"

namespace parley::test {
namespace {

struct run_result {
  int exit_code = -1;
  std::string output;
};

run_result run(const std::string& args) {
  run_result r;
  auto pipe = popen((std::string(PARLEY_BINARY) + " " + args + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  while (auto n = fread(buf.data(), 1, buf.size(), pipe)) r.output.append(buf.data(), n);
  r.exit_code = WEXITSTATUS(pclose(pipe));
  return r;
}

TEST(Process, HelpListsFlagsAndExitsZero) {
  auto r = run("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (auto flag : {"--listen", "--config", "--auth-secret", "--api-key", "--max-connections",
                    "--heartbeat-timeout", "--log-level"})
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
}

TEST(Process, BadFlagsExitTwoWithAMessage) {
  for (auto args : {"--bogus 1", "--max-connections lots", "--listen nowhere", "--log-level loud"}) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.output.find("parley: "), std::string::npos) << r.output;
  }
}

// The safe default: an exposed port without auth_secret or api_key does not start at all.
TEST(Process, AnExposedPortWithoutSecretsRefusesToStart) {
  auto r = run("--listen 0.0.0.0:0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("not a loopback address"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--insecure"), std::string::npos) << r.output;
}

TEST(Process, TokenCommandMintsAVerifiableToken) {
  auto r = run("token --secret s --app 101 --user alice --ttl 60");
  ASSERT_EQ(r.exit_code, 0);
  auto token = r.output.substr(0, r.output.find('\n'));
  EXPECT_EQ(auth::verify_token("s", 101, "alice", token, time(nullptr)), auth::token_status::valid);
  EXPECT_EQ(run("token --secret s").exit_code, 2);
}

// A `parley` process with its stderr on a pipe, started on a free port.
struct node_process {
  pid_t pid = 0;
  int err = -1;
  uint16_t port = 0;
  std::string log;  // stderr read so far

  // Starts the binary with `args` (after --listen 127.0.0.1:0) and reads its stderr until it
  // logs "listening on HOST:PORT".
  bool start(std::vector<std::string> args) {
    int err_pipe[2];
    if (pipe(err_pipe) != 0) return false;
    args.insert(args.begin(), {PARLEY_BINARY, "--listen", "127.0.0.1:0"});
    pid = fork();
    if (pid == 0) {
      dup2(err_pipe[1], STDERR_FILENO);
      close(err_pipe[0]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(PARLEY_BINARY, argv.data());
      _exit(127);
    }
    close(err_pipe[1]);
    err = err_pipe[0];
    std::smatch m;
    std::regex listening("listening on 127\\.0\\.0\\.1:(\\d+)");
    while (!std::regex_search(log, m, listening))
      if (!read_some()) return false;
    port = static_cast<uint16_t>(std::stoi(m[1]));
    return true;
  }
  bool read_some() {
    char buf[4096];
    auto n = read(err, buf, sizeof buf);
    if (n <= 0) return false;
    log.append(buf, n);
    return true;
  }
  // SIGTERM, then waits up to `limit` for the exit; the exit code, or -1.
  int stop(std::chrono::seconds limit = std::chrono::seconds(5)) {
    kill(pid, SIGTERM);
    auto sent = std::chrono::steady_clock::now();
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() - sent > limit) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    while (read_some()) {}
    close(err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST(Process, SigtermClosesClientsWith1001AndExitsZero) {
  node_process node;
  ASSERT_TRUE(node.start({"--log-level", "info"})) << node.log;
  ws_client c;
  ASSERT_TRUE(c.connect(node.port));
  EXPECT_EQ(c.login(101, "alice")["response"]["code"], 200);
  kill(node.pid, SIGTERM);
  EXPECT_EQ(c.wait_closed(), 1001);
  EXPECT_EQ(node.stop(), 0) << "still running or failed";
}

TEST(Process, LogsHoldNoTokensAndNoInjectedLines) {
  node_process node;
  ASSERT_TRUE(node.start({"--log-level", "info", "--auth-secret", "s3cret"})) << node.log;
  ws_client refused;
  unsigned status = 0;
  EXPECT_FALSE(refused.connect(node.port, "/acc?appID=101&userID=ev%0AFAKE%20line&token=SUPERSECRET1", &status));
  EXPECT_EQ(status, 403u);
  http_call(node.port, "GET", "/user/list?appID=101&token=SUPERSECRET2");
  ws_client c;
  ASSERT_TRUE(c.connect(node.port));
  auto r = c.request("login", {{"appID", 101}, {"userID", "x\nFAKE line"}, {"serviceToken", "SUPERSECRET3"}});
  EXPECT_EQ(r["response"]["code"], 1003);
  c.close();
  ASSERT_EQ(node.stop(), 0);
  EXPECT_EQ(node.log.find("SUPERSECRET"), std::string::npos) << node.log;
  EXPECT_EQ(node.log.find("\nFAKE"), std::string::npos) << node.log;  // no line an id began
  EXPECT_NE(node.log.find("\\x0aFAKE"), std::string::npos) << node.log;  // escaped instead
}

}  // namespace
}  // namespace parley::test
