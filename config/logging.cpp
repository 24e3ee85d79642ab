// Named loggers over one stderr sink. Lookups are cached per name after init().
#include "config/logging.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace parley::log {
namespace {
const char* const names[] = {"node", "conn", "gateway", "http", "auth"};
std::once_flag created;
}  // namespace

void init(const std::string& level) {
  std::call_once(created, [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    for (auto name : names) {
      auto logger = std::make_shared<spdlog::logger>(name, sink);
      logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
      spdlog::register_logger(logger);
    }
  });
  auto lvl = spdlog::level::from_str(level);
  for (auto name : names) spdlog::get(name)->set_level(lvl);
}

std::shared_ptr<spdlog::logger> get(const char* name) {
  auto logger = spdlog::get(name);
  if (!logger) {
    init("info");
    logger = spdlog::get(name);
  }
  return logger;
}

}  // namespace parley::log
