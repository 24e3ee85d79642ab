// parley: runs one node, or `parley token ...` to mint a login token for a backend or test.
// Exit codes: 0 normal stop (SIGINT/SIGTERM), 1 cannot start (port in use...), 2 bad usage.
// SIGHUP reloads the TLS certificate and key.
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "actors/auth/token.hpp"
#include "app/node_runtime.hpp"
#include "config/logging.hpp"

namespace {

int token_command(const std::vector<std::string>& args) {
  std::string secret, user;
  long long app = -1, ttl = 3600;
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    const auto& k = args[i];
    const auto& v = args[i + 1];
    try {
      if (k == "--secret") secret = v;
      else if (k == "--user") user = v;
      else if (k == "--app") app = std::stoll(v);
      else if (k == "--ttl") ttl = std::stoll(v);
      else throw std::invalid_argument(k);
    } catch (const std::exception&) {
      std::fprintf(stderr, "parley token: bad argument %s %s\n", k.c_str(), v.c_str());
      return 2;
    }
  }
  if (args.size() % 2 != 0 || secret.empty() || user.empty() || app < 1 || app > 2147483647 || ttl < 1) {
    std::fprintf(stderr, "usage: parley token --secret S --app APPID --user USERID [--ttl SECONDS]\n");
    return 2;
  }
  auto expiry = static_cast<int64_t>(std::time(nullptr)) + ttl;
  std::printf("%s\n", parley::auth::sign_token(secret, static_cast<uint32_t>(app), user, expiry).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // gRPC resolves peer names with the system resolver, as hiredis does, unless the operator
  // chose otherwise. With gRPC's default (c-ares), the first node of the compose demo could
  // not reach any peer by name for over 15 s in two CI runs while getaddrinfo resolved
  // `redis` in the same container at the same moment.
  setenv("GRPC_DNS_RESOLVER", "native", 0);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "token") return token_command({args.begin() + 1, args.end()});
  auto parsed = parley::parse_config(args);
  if (parsed.help) {
    std::fputs(parley::config_help().c_str(), stdout);
    return 0;
  }
  if (!parsed.config) {
    std::fprintf(stderr, "parley: %s\n", parsed.error.c_str());
    return 2;
  }
  // Every thread started from here on inherits the blocked set; main waits for the signal.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);  // reloads the TLS certificate and key
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto grace = std::chrono::seconds(parsed.config->shutdown_grace);
  parley::node_runtime node(std::move(*parsed.config));
  std::string error;
  if (!node.start(error)) {
    parley::log::node()->critical("{}", error);
    return 1;
  }
  int sig = 0;
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) {
    std::string reload_error;
    if (node.reload_tls(reload_error))
      parley::log::node()->info("SIGHUP: TLS certificate and key reloaded");
    else
      parley::log::node()->error("SIGHUP: TLS not reloaded, the old certificate stays: {}",
                                 reload_error);
  }
  parley::log::node()->info("signal {}: shutting down", sig);
  node.shutdown(grace);
  parley::log::node()->info("stopped");
  return 0;
}
