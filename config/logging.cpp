// Named loggers over one stderr sink, created once and cached: lookups are lock-free
// afterwards (spdlog::get takes the registry's mutex on every call).
#include "config/logging.hpp"

#include <cstring>
#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace parley::log {
namespace {

const char* const names[] = {"node", "conn", "gateway", "http", "auth"};
constexpr size_t count = sizeof(names) / sizeof(names[0]);
std::once_flag created;
std::shared_ptr<spdlog::logger> cache[count];

// Runs once; call_once also publishes `cache` to every thread that passes through it.
void ensure_created() {
  std::call_once(created, [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    for (size_t i = 0; i < count; ++i) {
      cache[i] = std::make_shared<spdlog::logger>(names[i], sink);
      cache[i]->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
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

}  // namespace parley::log
