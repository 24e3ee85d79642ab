// Named loggers over one stderr sink behind spdlog's asynchronous queue, created once and
// cached: lookups are lock-free afterwards (spdlog::get takes the registry's mutex on every
// call).
#include "config/logging.hpp"

#include <cstring>

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace parley::log {
namespace {

const char* const names[] = {"node", "conn", "gateway", "http", "auth", "cluster"};
constexpr size_t count = sizeof(names) / sizeof(names[0]);
std::once_flag created;
std::shared_ptr<spdlog::details::thread_pool> pool;
std::shared_ptr<spdlog::logger> cache[count];

// Runs once; call_once also publishes `cache` to every thread that passes through it.
void ensure_created() {
  std::call_once(created, [] {
    pool = std::make_shared<spdlog::details::thread_pool>(queue_size, 1);
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    for (size_t i = 0; i < count; ++i) {
      cache[i] = std::make_shared<spdlog::async_logger>(
          names[i], sink, pool, spdlog::async_overflow_policy::overrun_oldest);
      cache[i]->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
      cache[i]->flush_on(spdlog::level::err);
      spdlog::register_logger(cache[i]);
    }
  });
}

}  // namespace

void init(const std::string& level) {
  ensure_created();
  auto lvl = spdlog::level::from_str(level);
  for (auto& logger : cache) logger->set_level(lvl);
}

std::shared_ptr<spdlog::logger> get(const char* name) {
  ensure_created();
  for (size_t i = 0; i < count; ++i)
    if (std::strcmp(names[i], name) == 0) return cache[i];
  return cache[0];
}

uint64_t dropped_lines() {
  ensure_created();
  return pool->overrun_counter();
}

void flush() {
  ensure_created();
  for (auto& logger : cache) logger->flush();
}

std::string safe(std::string_view text, size_t max) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  auto n = std::min(text.size(), max);
  out.reserve(n + 8);
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f || c == '\\') {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

std::string redact_target(std::string_view target) {
  std::string out(target);
  for (size_t pos = 0; (pos = out.find("token=", pos)) != std::string::npos;) {
    bool starts_param = pos > 0 && (out[pos - 1] == '?' || out[pos - 1] == '&');
    pos += 6;
    if (!starts_param) continue;
    auto end = out.find('&', pos);
    out.replace(pos, (end == std::string::npos ? out.size() : end) - pos, "***");
  }
  return safe(out, 256);
}

std::string_view host_of(std::string_view remote) {
  auto colon = remote.rfind(':');
  return colon == std::string_view::npos ? remote : remote.substr(0, colon);
}

bool throttle::allow(std::string_view key, uint64_t& suppressed,
                     std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (windows_.size() >= max_keys_ && !windows_.count(std::string(key))) windows_.clear();
  auto& w = windows_[std::string(key)];
  if (w.lines == 0 || now - w.start >= interval_) {
    w.start = now;
    w.lines = 0;
  }
  if (w.lines >= burst_) {
    ++w.suppressed;
    return false;
  }
  ++w.lines;
  suppressed = w.suppressed;
  w.suppressed = 0;
  return true;
}

}  // namespace parley::log
