// logging: one named spdlog logger per subsystem, all sharing one asynchronous sink and one
// level.
//
// spdlog's logger registry is the one global Parley tolerates (STYLE.md, rule 7). Lines
// carry ids as key=value pairs (node= conn= user= group=); message bodies never go out
// at info level. Text a client chose (ids before authentication, URL parameters, cmd names)
// goes through safe(); request targets through redact_target() (tokens never reach a log).
//
// Writes are asynchronous: actor and I/O threads only enqueue into spdlog's bounded queue
// (queue_size lines) and one logging thread writes to stderr. When the queue is full the
// oldest line is dropped and counted (dropped_lines()), so a log flood never blocks a
// worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <spdlog/spdlog.h>

namespace parley::log {

// Lines the asynchronous queue holds before it drops the oldest.
constexpr size_t queue_size = 8192;

// Creates (or re-levels) the loggers "node", "conn", "gateway", "http", "auth" and "cluster".
// `level` is one of trace, debug, info, warn, error, critical, off.
void init(const std::string& level);

// The named logger; init() must have run (tests call it from their main).
std::shared_ptr<spdlog::logger> get(const char* name);

inline std::shared_ptr<spdlog::logger> node() { return get("node"); }
inline std::shared_ptr<spdlog::logger> conn() { return get("conn"); }
inline std::shared_ptr<spdlog::logger> gateway() { return get("gateway"); }
inline std::shared_ptr<spdlog::logger> http() { return get("http"); }
inline std::shared_ptr<spdlog::logger> auth() { return get("auth"); }
inline std::shared_ptr<spdlog::logger> cluster() { return get("cluster"); }

// Lines dropped so far because the queue was full.
uint64_t dropped_lines();

// Writes out every queued line (tests, shutdown).
void flush();

// `text` fit for one log line: control bytes (newline, ESC, ...) and backslashes escaped
// as \xNN, cut to `max` bytes (then "..." is appended). Linear in min(size, max).
std::string safe(std::string_view text, size_t max = 64);

// A request target with the value of every `token` parameter replaced by "***", then made
// safe() at 256 bytes.
std::string redact_target(std::string_view target);

// Rate limit for warnings that a remote peer can trigger over and over: at most `burst`
// lines per key (a remote address) per `interval`. allow() is true when a line may be
// written; `suppressed` then tells how many were swallowed since the last one written.
// Thread-safe (one mutex); holds at most max_keys keys (forgets all of them past that).
class throttle {
 public:
  explicit throttle(uint32_t burst = 5, std::chrono::seconds interval = std::chrono::seconds(10),
                    size_t max_keys = 4096)
      : burst_(burst), interval_(interval), max_keys_(max_keys) {}
  bool allow(std::string_view key, uint64_t& suppressed,
             std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  struct window {
    std::chrono::steady_clock::time_point start;
    uint32_t lines = 0;
    uint64_t suppressed = 0;
  };
  uint32_t burst_;
  std::chrono::seconds interval_;
  size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, window> windows_;
};

// The address part of "host:port" (the key throttles use).
std::string_view host_of(std::string_view remote);

}  // namespace parley::log
