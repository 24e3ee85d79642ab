// The `parley` binary as a user runs it: flags, exit codes, SIGTERM, the token command.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <regex>

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

TEST(Process, TokenCommandMintsAVerifiableToken) {
  auto r = run("token --secret s --app 101 --user alice --ttl 60");
  ASSERT_EQ(r.exit_code, 0);
  auto token = r.output.substr(0, r.output.find('\n'));
  EXPECT_EQ(auth::verify_token("s", 101, "alice", token, time(nullptr)), auth::token_status::valid);
  EXPECT_EQ(run("token --secret s").exit_code, 2);
}

TEST(Process, SigtermClosesClientsWith1001AndExitsZero) {
  int err_pipe[2];
  ASSERT_EQ(pipe(err_pipe), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(err_pipe[1], STDERR_FILENO);
    close(err_pipe[0]);
    execl(PARLEY_BINARY, PARLEY_BINARY, "--listen", "127.0.0.1:0", "--log-level", "info", nullptr);
    _exit(127);
  }
  close(err_pipe[1]);
  // The node logs "listening on HOST:PORT" once it accepts.
  std::string log;
  std::smatch m;
  std::regex listening("listening on 127\\.0\\.0\\.1:(\\d+)");
  char buf[512];
  while (!std::regex_search(log, m, listening)) {
    auto n = read(err_pipe[0], buf, sizeof buf);
    ASSERT_GT(n, 0) << log;
    log.append(buf, n);
  }
  auto port = static_cast<uint16_t>(std::stoi(m[1]));
  ws_client c;
  ASSERT_TRUE(c.connect(port));
  EXPECT_EQ(c.login(101, "alice")["response"]["code"], 200);
  auto sent = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  EXPECT_EQ(c.wait_closed(), 1001);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    ASSERT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(5)) << "still running";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  close(err_pipe[0]);
}

}  // namespace
}  // namespace parley::test
