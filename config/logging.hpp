// logging: one named spdlog logger per subsystem, all sharing one sink and one level.
//
// spdlog's logger registry is the one global Parley tolerates (STYLE.md, rule 7). Lines
// carry ids as key=value pairs (node= conn= user= group=); message bodies never go out
// at info level.
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace parley::log {

// Creates (or re-levels) the loggers "node", "conn", "gateway", "http" and "auth".
// `level` is one of trace, debug, info, warn, error, critical, off.
void init(const std::string& level);

// The named logger; init() must have run (tests call it from their main).
std::shared_ptr<spdlog::logger> get(const char* name);

inline std::shared_ptr<spdlog::logger> node() { return get("node"); }
inline std::shared_ptr<spdlog::logger> conn() { return get("conn"); }
inline std::shared_ptr<spdlog::logger> gateway() { return get("gateway"); }
inline std::shared_ptr<spdlog::logger> http() { return get("http"); }
inline std::shared_ptr<spdlog::logger> auth() { return get("auth"); }

}  // namespace parley::log
